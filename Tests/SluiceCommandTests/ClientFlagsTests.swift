import Foundation
import SluiceDemo
import SluiceTestSupport
import Testing

/// The proxy's client-side flags reach the proxy: `--client-body-timeout` and its siblings
/// (nginx's `client_body_timeout`, `send_timeout`, `client_header_timeout`,
/// `keepalive_timeout`), and `--allow-underscores-in-headers`.
@Suite("sluice serve client flags")
struct ClientFlagsTests {
    @Test func aShortBodyTimeoutEndsAStalledUpload() async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path, "--client-body-timeout", "300ms"])
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        // The upstream answers at the body's end, which stops after four bytes.
        let client = try await TestClient.connect(port: sluice.httpPort)
        try await client.send("POST /api/echo HTTP/1.1\r\nHost: demo\r\nContent-Length: 100\r\n\r\n0123")
        let response = try await client.readResponse()
        #expect(response.status == 408)
        try await client.waitForClose()
    }

    /// `--allow-underscores-in-headers` (ingress-nginx's `enable-underscores-in-headers`).
    @Test(arguments: [false, true])
    func underscoredFieldNamesAreForwardedOnlyWhenAllowed(_ allowed: Bool) async throws {
        let upstream = try await DemoUpstreamServer.start(tokenInterval: .milliseconds(1))
        defer { Task { try? await upstream.stop() } }
        let manifests = try ManifestFixture.standaloneDemo(upstreamPort: upstream.port)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let flags = allowed ? ["--allow-underscores-in-headers"] : []
        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", manifests.path] + flags)
        defer { sluice.kill() }
        try await sluice.waitForReadiness(200)

        let client = try await TestClient.connect(port: sluice.httpPort)
        try await client.send("GET /api/echo HTTP/1.1\r\nHost: demo\r\nMy_Field: x\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyText.contains("\"my_field\"") == allowed, "\(response.bodyText)")
    }

    @Test func aZeroTimeoutIsRejected() async throws {
        let sluice = try SluiceProcess(arguments: ["serve", "--manifests", "/nonexistent", "--client-send-timeout", "0s"])
        defer { sluice.kill() }
        #expect(try await sluice.waitForExit() != 0)
        #expect(sluice.log.contains("--client-send-timeout must be longer than zero"), "log:\n\(sluice.log)")
    }
}
