import Foundation
import Yams

extension KubeConfig {
    /// Reads a kubeconfig file and resolves `context` (or its `current-context`).
    ///
    /// Relative file paths in the file are relative to the file's directory, as kubectl does.
    /// Exec plugins, auth providers and basic auth are rejected with
    /// ``KubeConfigError/unsupportedAuthentication(user:method:)``.
    public static func kubeconfig(path: String, context: String? = nil) throws(KubeConfigError) -> KubeConfig {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        let file: KubeconfigFile
        do {
            file = try YAMLDecoder().decode(KubeconfigFile.self, from: text)
        } catch {
            throw .malformedYAML(path: path, reason: "\(error)")
        }
        let baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try fromParsed(file, path: path, context: context, baseDirectory: baseDirectory)
    }

    private static func fromParsed(
        _ parsed: KubeconfigFile, path: String, context requested: String?, baseDirectory: URL
    ) throws(KubeConfigError) -> KubeConfig {
        guard let contextName = requested ?? parsed.currentContext, !contextName.isEmpty else {
            throw .noCurrentContext(path: path)
        }
        guard let context = parsed.contexts?.first(where: { $0.name == contextName })?.value else {
            throw .contextNotFound(name: contextName, path: path)
        }
        let clusterName = context.cluster ?? ""
        guard let cluster = parsed.clusters?.first(where: { $0.name == clusterName })?.value else {
            throw .clusterNotFound(name: clusterName, context: contextName)
        }
        guard let server = cluster.server, !server.isEmpty else { throw .missingServer(cluster: clusterName) }

        let user: KubeconfigFile.User?
        if let userName = context.user, !userName.isEmpty {
            guard let found = parsed.users?.first(where: { $0.name == userName }) else {
                throw .userNotFound(name: userName, context: contextName)
            }
            user = found.value
            if let user {
                if user.hasExec { throw .unsupportedAuthentication(user: userName, method: "exec plugin") }
                if user.hasAuthProvider { throw .unsupportedAuthentication(user: userName, method: "auth-provider") }
                if user.hasBasicAuth { throw .unsupportedAuthentication(user: userName, method: "basic (username/password)") }
            }
        } else {
            user = nil
        }

        func absolute(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : baseDirectory.appendingPathComponent(relative).path
        }
        func pem(data: String?, path: String?, field: String, owner: String) throws(KubeConfigError) -> PEMSource? {
            if let data, !data.isEmpty {
                guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                    throw .invalidBase64(field: field, owner: owner)
                }
                return .data(bytes)
            }
            if let path, !path.isEmpty { return .file(absolute(path)) }
            return nil
        }

        let userOwner = "user \"\(context.user ?? "")\""
        let token: BearerTokenSource? =
            if let literal = user?.token, !literal.isEmpty { .literal(literal) }
            else if let tokenFile = user?.tokenFile, !tokenFile.isEmpty { .file(absolute(tokenFile)) }
            else { nil }
        return KubeConfig(
            server: server,
            bearerToken: token,
            clientCertificate: try pem(
                data: user?.clientCertificateData, path: user?.clientCertificate,
                field: "client-certificate-data", owner: userOwner),
            clientKey: try pem(
                data: user?.clientKeyData, path: user?.clientKey, field: "client-key-data", owner: userOwner),
            certificateAuthority: try pem(
                data: cluster.certificateAuthorityData, path: cluster.certificateAuthority,
                field: "certificate-authority-data", owner: "cluster \"\(clusterName)\""),
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false,
            namespace: context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        )
    }
}
