import NIOCore
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// `--proxy-protocol` through the real proxy: the client a PROXY header names (v1 and v2, on the
/// plain and the HTTPS listener) is the one the upstream and the allow lists see; a connection
/// without a header is closed.
@Suite("Proxy: PROXY protocol")
struct ProxyProtocolLoopbackTests {
    private static var configuration: ProxyConfiguration {
        var configuration = ProxyConfiguration()
        configuration.proxyProtocol = true
        return configuration
    }

    @Test func aV1HeaderNamesTheClientTheUpstreamIsTold() async throws {
        try await withProxy(upstream: .echo, configuration: Self.configuration) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("PROXY TCP4 203.0.113.7 127.0.0.1 51000 \(proxy.port)\r\n" + get("/"))
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.contains("x-forwarded-for: 203.0.113.7\n"))
            #expect(response.bodyText.contains("x-real-ip: 203.0.113.7\n"))
            await client.close()
        }
    }

    /// A v2 header in its own write, then the request: the header may arrive alone.
    @Test func aV2HeaderNamesTheClientAndTheAllowListJudgesIt() async throws {
        let policy = RoutePolicy(sourceRanges: SourceRanges(allow: [AddressRange("203.0.113.0/24")!]))
        try await withProxy(upstream: .echo, policy: policy, configuration: Self.configuration) { proxy, upstream in
            func header(_ source: [UInt8]) -> [UInt8] {
                [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C]
                    + source + [127, 0, 0, 1, 0xC7, 0x38, 0x1F, 0x90]
            }
            let allowed = try await proxy.connect()
            try await allowed.send(header([203, 0, 113, 9]))
            try await allowed.send(get("/"))
            let served = try await allowed.readResponse()
            #expect(served.status == 200)
            #expect(served.bodyText.contains("x-real-ip: 203.0.113.9\n"))

            let refused = try await proxy.connect()
            try await refused.send(header([198, 51, 100, 1]) + Array(get("/").utf8))
            #expect(try await refused.readResponse().status == 403, "judged on the PROXY source, not 127.0.0.1")
            #expect(upstream.acceptedConnections == 1)
            await allowed.close()
            await refused.close()
        }
    }

    @Test func aConnectionWithoutAHeaderIsClosed() async throws {
        try await withProxy(upstream: .echo, configuration: Self.configuration) { proxy, upstream in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            try await client.waitForClose()
            #expect(upstream.acceptedConnections == 0)
        }
    }

    /// On the HTTPS port the header comes before the TLS handshake.
    @Test func theHeaderComesBeforeTheTLSHandshake() async throws {
        try await withProxy(upstream: .echo, host: nil, configuration: Self.configuration) { proxy, _ in
            let result = try await CurlProcess.run([
                "-sk", "--haproxy-protocol", "https://127.0.0.1:\(proxy.httpsPort)/",
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            // curl's header names its own socket address: 127.0.0.1.
            #expect(result.stdout.contains("x-forwarded-proto: https\n"), "\(result.stdout)")
            #expect(result.stdout.contains("x-real-ip: 127.0.0.1\n"))
        }
    }
}
