import Foundation
import KubeClient
import SluiceTestSupport
import Testing

@Suite struct KubeAPIClientTLSTests {
    private func list(_ config: KubeConfig) async throws -> Int {
        try await KubeAPIClient(config: config).list(.ingresses, as: TestIngress.self).items.count
    }

    private func config(
        _ server: FakeKubeAPIServer, ca: PEMSource?, insecure: Bool = false, clientCertificate: PEMSource? = nil,
        clientKey: PEMSource? = nil
    ) -> KubeConfig {
        KubeConfig(
            server: server.baseURL, bearerToken: .literal(FakeKubeAPIServer.defaultToken), clientCertificate: clientCertificate,
            clientKey: clientKey, certificateAuthority: ca, insecureSkipTLSVerify: insecure)
    }

    @Test func trustsTheCAGivenAsData() async throws {
        try await FakeKubeAPIServer.withServer(tls: .serverOnly) { server in
            try server.put(TestIngress(name: "a"))
            #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))
            #expect(try await list(config(server, ca: .data(Data(FakeKubeTLS.caCertificate.utf8)))) == 1)
        }
    }

    @Test func trustsTheCAGivenAsAFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let caFile = try directory.write("ca.crt", FakeKubeTLS.caCertificate)
        try await FakeKubeAPIServer.withServer(tls: .serverOnly) { server in
            let count = try await list(config(server, ca: .file(caFile)))
            #expect(count == 0)
        }
    }

    @Test func rejectsAServerSignedByAnotherCA() async throws {
        try await FakeKubeAPIServer.withServer(tls: .serverOnly) { server in
            await #expect {
                _ = try await list(config(server, ca: .data(Data(FakeKubeTLS.unrelatedCACertificate.utf8))))
            } throws: { error in
                guard case .transport(let code, _) = error as? KubeAPIError else { return false }
                return code == 60  // CURLE_PEER_FAILED_VERIFICATION
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test func insecureSkipVerifyAcceptsAnyCertificate() async throws {
        try await FakeKubeAPIServer.withServer(tls: .serverOnly) { server in
            let count = try await list(config(server, ca: nil, insecure: true))
            #expect(count == 0)
        }
    }

    @Test func presentsAClientCertificateGivenAsData() async throws {
        try await FakeKubeAPIServer.withServer(tls: .mutual) { server in
            let ca = PEMSource.data(Data(FakeKubeTLS.caCertificate.utf8))
            let count = try await list(
                config(
                    server, ca: ca, clientCertificate: .data(Data(FakeKubeTLS.clientCertificate.utf8)),
                    clientKey: .data(Data(FakeKubeTLS.clientKey.utf8))))
            #expect(count == 0)
            await #expect(throws: KubeAPIError.self) {
                _ = try await list(config(server, ca: ca))
            }
        }
    }
}
