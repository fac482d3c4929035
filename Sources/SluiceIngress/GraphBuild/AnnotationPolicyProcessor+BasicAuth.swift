import KubeModels
import SluiceRouting

/// Basic authentication's users, read from the `auth-secret` Secret (`HtpasswdFile`). The Secret
/// must be in the Ingress's namespace (ingress-nginx refuses another namespace's unless
/// `allow-cross-namespace-resources`, off by default, is set); one that is elsewhere, missing,
/// without its `auth` key, or with a line that does not parse fails the routes closed with a
/// Warning naming the Secret and the problem, one still being loaded fails them closed without
/// one until it is. Any type of Secret the controller reflects will do (`Opaque`, as
/// `kubectl create secret generic` makes them).
extension AnnotationPolicyProcessor {
    func authenticate(
        _ reference: BasicAuthReference, ingress rank: Int, policy: inout RoutePolicy, problems: inout [IngressProblem],
        build: inout IngressGraphBuild
    ) {
        let namespace = build.ingresses[rank].namespace
        let secret = SecretReference(namespace: reference.secret.namespace ?? namespace, name: reference.secret.name)
        let failClosed = "; basic authentication guards this Ingress, so every route of it fails closed (503)"
        func refuse(_ reason: String, detail: String) {
            problems.append(IngressProblem(
                reason: reason, message: "auth-secret: secret \(secret) \(detail)\(failClosed)", annotation: "auth-secret"))
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "auth-secret \(secret) \(detail)")
        }
        guard secret.namespace == namespace else {
            refuse(DiagnosticReason.invalidAnnotation, detail: "is not in the Ingress's namespace \(namespace)")
            return
        }
        build.referencedSecrets.insert(secret.description)
        if build.snapshot.unloadedSecrets.contains(secret.description) {
            policy.refusal = policy.refusal ?? RouteRefusal(reason: "auth-secret \(secret) is being read")
            return
        }
        guard let found = build.snapshot.secrets.first(where: {
            ($0.metadata.namespace ?? "default") == secret.namespace && $0.metadata.name == secret.name
        }) else {
            refuse(DiagnosticReason.authSecretNotFound, detail: "not found")
            return
        }
        let users: Result<[String: PasswordHash], HtpasswdProblem>
        switch reference.format {
        case .authFile:
            guard let value = TLSSecretInspector.value("auth", of: found) else {
                refuse(DiagnosticReason.authSecretInvalid, detail: "has no key auth (auth-secret-type auth-file)")
                return
            }
            guard let text = value.flatMap({ String(validating: $0, as: UTF8.self) }) else {
                refuse(DiagnosticReason.authSecretInvalid, detail: "key auth is not valid base64 text")
                return
            }
            users = HtpasswdFile.parse(text)
        case .authMap:
            var map: [String: [UInt8]] = [:]
            for key in Set((found.data ?? [:]).keys).union((found.stringData ?? [:]).keys) {
                guard let value = TLSSecretInspector.value(key, of: found) ?? nil else {
                    refuse(DiagnosticReason.authSecretInvalid, detail: "key \(key) is not valid base64")
                    return
                }
                map[key] = value
            }
            users = HtpasswdFile.parse(map: map)
        }
        switch users {
        case .success(let users):
            policy.basicAuth = BasicAuth(realm: reference.realm, users: users, secret: secret.description)
        case .failure(let problem):
            refuse(DiagnosticReason.authSecretInvalid, detail: problem.description)
        }
    }
}
