import Foundation
import KubeClient
import SluiceTestSupport
import Testing

@Suite struct BearerTokenRotationTests {
    /// The kubelet rotates a projected token by pointing the `..data` symlink at a new directory.
    @Test func picksUpATokenRotatedBySymlinkSwap() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fileManager = FileManager.default
        try directory.write("..2026_01/token", "first-token")
        try fileManager.createSymbolicLink(atPath: directory.url.appendingPathComponent("..data").path, withDestinationPath: "..2026_01")
        let tokenPath = directory.url.appendingPathComponent("token").path
        try fileManager.createSymbolicLink(atPath: tokenPath, withDestinationPath: "..data/token")

        try await FakeKubeAPIServer.withServer(acceptedTokens: ["first-token"]) { server in
            let client = KubeAPIClient(config: KubeConfig(server: server.baseURL, bearerToken: .file(tokenPath)))
            _ = try await client.list(.ingresses, as: TestIngress.self)

            try directory.write("..2026_02/token", "second-token")
            let link = directory.url.appendingPathComponent("..data").path
            try fileManager.removeItem(atPath: link)
            try fileManager.createSymbolicLink(atPath: link, withDestinationPath: "..2026_02")
            server.setAcceptedTokens(["second-token"])
            _ = try await client.list(.ingresses, as: TestIngress.self)

            #expect(server.requests.map { $0.headers["authorization"] } == ["Bearer first-token", "Bearer second-token"])
        }
    }

    @Test func picksUpATokenFileRewrittenInPlace() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenPath = try directory.write("token", "old")
        try await FakeKubeAPIServer.withServer(acceptedTokens: ["old"]) { server in
            let client = KubeAPIClient(config: KubeConfig(server: server.baseURL, bearerToken: .file(tokenPath)))
            _ = try await client.list(.ingresses, as: TestIngress.self)
            try directory.write("token", "rotated-token\n")
            server.setAcceptedTokens(["rotated-token"])
            _ = try await client.list(.ingresses, as: TestIngress.self)
            #expect(server.requests.last?.headers["authorization"] == "Bearer rotated-token")
        }
    }
}
