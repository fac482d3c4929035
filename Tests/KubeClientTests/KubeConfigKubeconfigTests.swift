import Foundation
import KubeClient
import SluiceTestSupport
import Testing

@Suite struct KubeConfigKubeconfigTests {
    private static let caData = Data(FakeKubeTLS.caCertificate.utf8).base64EncodedString()

    private static func kubeconfig(server: String = "https://10.0.0.1:6443", users: String, currentContext: String = "dev") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: \(currentContext)
        clusters:
        - name: dev-cluster
          cluster:
            server: \(server)
            certificate-authority-data: \(caData)
        - name: lab-cluster
          cluster:
            server: https://lab.example.com
            certificate-authority: certs/lab-ca.crt
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context:
            cluster: dev-cluster
            user: dev-user
            namespace: shop
        - name: lab
          context:
            cluster: lab-cluster
            user: lab-user
        - name: broken-cluster
          context:
            cluster: nowhere
            user: dev-user
        - name: broken-user
          context:
            cluster: dev-cluster
            user: nobody
        - name: exec
          context:
            cluster: dev-cluster
            user: exec-user
        users:
        \(users)
        """
    }

    private static let users = """
        - name: dev-user
          user:
            token: abc123
        - name: lab-user
          user:
            client-certificate: certs/client.crt
            client-key: /etc/keys/client.key
        - name: exec-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: aws
        """

    private func withKubeconfig(_ text: String, _ body: (String, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await body(try directory.write("config", text), directory)
    }

    @Test func readsTheCurrentContextWithTokenAndCAData() async throws {
        try await withKubeconfig(Self.kubeconfig(users: Self.users)) { path, _ in
            let config = try KubeConfig.kubeconfig(path: path)
            #expect(config.server == "https://10.0.0.1:6443")
            #expect(config.bearerToken == .literal("abc123"))
            #expect(config.certificateAuthority == .data(Data(FakeKubeTLS.caCertificate.utf8)))
            #expect(config.namespace == "shop")
            #expect(config.insecureSkipTLSVerify == false)
            #expect(config.clientCertificate == nil)
        }
    }

    @Test func readsANamedContextWithFilesRelativeToTheKubeconfig() async throws {
        try await withKubeconfig(Self.kubeconfig(users: Self.users)) { path, directory in
            let config = try KubeConfig.kubeconfig(path: path, context: "lab")
            #expect(config.server == "https://lab.example.com")
            #expect(config.certificateAuthority == .file(directory.url.appendingPathComponent("certs/lab-ca.crt").path))
            #expect(config.clientCertificate == .file(directory.url.appendingPathComponent("certs/client.crt").path))
            #expect(config.clientKey == .file("/etc/keys/client.key"))
            #expect(config.insecureSkipTLSVerify)
            #expect(config.bearerToken == nil)
            #expect(config.namespace == "default")
        }
    }

    @Test func readsClientCertificateDataAndTokenFile() async throws {
        let users = """
            - name: dev-user
              user:
                client-certificate-data: \(Data("CERT".utf8).base64EncodedString())
                client-key-data: \(Data("KEY".utf8).base64EncodedString())
                tokenFile: token
            """
        try await withKubeconfig(Self.kubeconfig(users: users)) { path, directory in
            let config = try KubeConfig.kubeconfig(path: path)
            #expect(config.clientCertificate == .data(Data("CERT".utf8)))
            #expect(config.clientKey == .data(Data("KEY".utf8)))
            #expect(config.bearerToken == .file(directory.url.appendingPathComponent("token").path))
        }
    }

    @Test func reportsMissingContextClusterAndUser() async throws {
        try await withKubeconfig(Self.kubeconfig(users: Self.users)) { path, _ in
            #expect(throws: KubeConfigError.contextNotFound(name: "prod", path: path)) { try KubeConfig.kubeconfig(path: path, context: "prod") }
            #expect(throws: KubeConfigError.clusterNotFound(name: "nowhere", context: "broken-cluster")) {
                try KubeConfig.kubeconfig(path: path, context: "broken-cluster")
            }
            #expect(throws: KubeConfigError.userNotFound(name: "nobody", context: "broken-user")) {
                try KubeConfig.kubeconfig(path: path, context: "broken-user")
            }
        }
        try await withKubeconfig(Self.kubeconfig(users: Self.users, currentContext: "\"\"")) { path, _ in
            #expect(throws: KubeConfigError.noCurrentContext(path: path)) { try KubeConfig.kubeconfig(path: path) }
        }
    }

    @Test func rejectsExecPluginsByName() async throws {
        try await withKubeconfig(Self.kubeconfig(users: Self.users)) { path, _ in
            #expect(throws: KubeConfigError.unsupportedAuthentication(user: "exec-user", method: "exec plugin")) {
                try KubeConfig.kubeconfig(path: path, context: "exec")
            }
        }
    }

    @Test func reportsMalformedYAMLAndMissingFiles() async throws {
        try await withKubeconfig("clusters: [unclosed\n  - : :") { path, _ in
            #expect {
                try KubeConfig.kubeconfig(path: path)
            } throws: { error in
                guard case .malformedYAML(let reportedPath, _) = error as? KubeConfigError else { return false }
                return reportedPath == path
            }
        }
        #expect(throws: KubeConfigError.fileNotFound(path: "/nonexistent/kubeconfig")) {
            try KubeConfig.kubeconfig(path: "/nonexistent/kubeconfig")
        }
    }

    @Test func resolvesExplicitPathThenKUBECONFIGThenInClusterThenHome() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let explicit = try directory.write("explicit", Self.kubeconfig(server: "https://explicit", users: Self.users))
        let fromEnvironment = try directory.write("env", Self.kubeconfig(server: "https://env", users: Self.users))
        try directory.write("home/.kube/config", Self.kubeconfig(server: "https://home", users: Self.users))
        let serviceAccount = directory.url.appendingPathComponent("sa").path
        try directory.write("sa/token", "t")
        try directory.write("sa/ca.crt", FakeKubeTLS.caCertificate)
        let home = directory.url.appendingPathComponent("home").path
        let inCluster = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

        func server(_ explicitPath: String?, _ environment: [String: String]) throws -> String {
            try KubeConfig.resolve(
                explicitPath: explicitPath, environment: environment, serviceAccountDirectory: serviceAccount,
                homeDirectory: home
            ).server
        }
        #expect(try server(explicit, inCluster.merging(["KUBECONFIG": fromEnvironment]) { a, _ in a }) == "https://explicit")
        #expect(try server(nil, inCluster.merging(["KUBECONFIG": "/missing:\(fromEnvironment)"]) { a, _ in a }) == "https://env")
        #expect(try server(nil, inCluster) == "https://10.96.0.1:443")
        #expect(try server(nil, [:]) == "https://home")
        #expect(throws: KubeConfigError.self) {
            try KubeConfig.resolve(environment: [:], serviceAccountDirectory: serviceAccount, homeDirectory: "/nonexistent")
        }
    }

    @Test func aKubeconfigReachesTheHTTPSFakeServer() async throws {
        try await FakeKubeAPIServer.withServer(tls: .serverOnly) { fake in
            try fake.put(TestIngress(name: "a"))
            let users = """
                - name: dev-user
                  user:
                    token: \(FakeKubeAPIServer.defaultToken)
                """
            try await withKubeconfig(Self.kubeconfig(server: fake.baseURL, users: users)) { path, _ in
                let client = KubeAPIClient(config: try KubeConfig.kubeconfig(path: path))
                #expect(try await client.list(.ingresses, as: TestIngress.self).items.map(\.metadata.name) == ["a"])
            }
        }
    }
}
