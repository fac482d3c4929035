import Foundation
import KubeClient
import SluiceTestSupport
import Testing

@Suite struct KubeConfigInClusterTests {
    @Test func readsTheServiceAccount() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("token", "sa-token\n")
        let ca = try directory.write("ca.crt", FakeKubeTLS.caCertificate)
        try directory.write("namespace", "sluice-system\n")

        let config = try KubeConfig.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory.path)

        #expect(config.server == "https://10.96.0.1:443")
        #expect(config.bearerToken == .file(directory.url.appendingPathComponent("token").path))
        #expect(config.certificateAuthority == .file(ca))
        #expect(config.namespace == "sluice-system")
    }

    @Test func bracketsAnIPv6Host() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("token", "t")
        try directory.write("ca.crt", "ca")
        let config = try KubeConfig.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory.path)
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.namespace == "default")
    }

    @Test func saysWhatIsMissing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: KubeConfigError.notInCluster(missing: "KUBERNETES_SERVICE_HOST")) {
            try KubeConfig.inCluster(environment: [:], serviceAccountDirectory: directory.path)
        }
        #expect(throws: KubeConfigError.notInCluster(missing: directory.url.appendingPathComponent("token").path)) {
            try KubeConfig.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                serviceAccountDirectory: directory.path)
        }
    }
}
