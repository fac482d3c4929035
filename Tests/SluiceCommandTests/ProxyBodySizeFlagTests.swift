import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// `--proxy-body-size`: 1m by default, as ingress-nginx; a larger value lets larger bodies through.
@Suite("sluice serve --proxy-body-size")
struct ProxyBodySizeFlagTests {
    @Test(arguments: [([String](), 413), (["--proxy-body-size", "2m"], 200)])
    func theDefaultIsOneMebibyte(flags: [String], status: Int) async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }
        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path] + flags)
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)
        let client = try await TestClient.connect(port: sluice.httpPort)
        let size = (1 << 20) + 1
        try await client.send("POST /api/echo HTTP/1.1\r\nHost: demo\r\nContent-Length: \(size)\r\n\r\n")
        if status == 200 { try await client.send([UInt8](repeating: UInt8(ascii: "x"), count: size)) }
        let response = try await client.readResponse()
        #expect(response.status == status)
    }
}
