import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

@Suite("Forwarded headers")
struct ForwardedHeadersTests {
    let facts = ClientConnectionFacts(clientIP: "10.1.2.3", localPort: 8080, proto: "http")

    private func forwarded(_ fields: [(String, String)]) throws -> HTTPHeaders {
        try UpstreamRequestHeadTests.fields(of: UpstreamRequestHeadTests.serialize(.GET, fields, facts: facts))
    }

    @Test func setsForwardingFields() throws {
        let result = try forwarded([("Host", "example.com:8080")])
        #expect(result["x-forwarded-for"] == ["10.1.2.3"])
        #expect(result["x-real-ip"] == ["10.1.2.3"])
        #expect(result["x-forwarded-proto"] == ["http"])
        #expect(result["x-forwarded-host"] == ["example.com:8080"])
        #expect(result["x-forwarded-port"] == ["8080"])
        #expect(result["x-request-id"] == ["generated"])
        #expect(result["host"] == ["example.com:8080"])
    }

    @Test func replacesWhatTheClientClaims() throws {
        let result = try forwarded([
            ("Host", "h"), ("X-Real-IP", "6.6.6.6"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil"),
            ("X-Forwarded-Port", "443"),
        ])
        #expect(result["x-real-ip"] == ["10.1.2.3"])
        #expect(result["x-forwarded-proto"] == ["http"])
        #expect(result["x-forwarded-host"] == ["h"])
        #expect(result["x-forwarded-port"] == ["8080"])
    }

    /// A client's own chain is not believed (it could name anyone): replaced by its address, as
    /// ingress-nginx does without `use-forwarded-headers`.
    @Test func replacesTheChainOfAnUntrustedClient() throws {
        let result = try forwarded([("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "2.2.2.2, 3.3.3.3")])
        #expect(result["x-forwarded-for"] == ["10.1.2.3"])
        #expect(result["x-real-ip"] == ["10.1.2.3"])
    }

    /// From a trusted proxy (`--trusted-proxy-cidrs`) the chain is appended to, the client is the
    /// rightmost address that is not a trusted proxy, and its `X-Forwarded-Proto` is kept.
    @Test(arguments: [
        ("203.0.113.7", "203.0.113.7"), ("198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("203.0.113.7, 10.0.0.5", "203.0.113.7"),  // 10.0.0.5: another trusted hop
        ("10.0.0.9, 10.0.0.5", "10.0.0.9"),  // all trusted: the leftmost
    ])
    func believesATrustedProxy(chain: String, client: String) throws {
        let trusted = [AddressRange("10.0.0.0/8")!]
        let proxy = ClientConnectionFacts(
            clientIP: "10.1.2.3", localPort: 8080, proto: "http", clientAddress: IPAddress("10.1.2.3"), trustedProxies: trusted)
        let result = try UpstreamRequestHeadTests.fields(of: UpstreamRequestHeadTests.serialize(
            .GET, [("X-Forwarded-For", chain), ("X-Forwarded-Proto", "https")], facts: proxy))
        #expect(result["x-forwarded-for"] == [chain + ", 10.1.2.3"])
        #expect(result["x-real-ip"] == [client])
        #expect(result["x-forwarded-proto"] == ["https"])

        let stranger = ClientConnectionFacts(
            clientIP: "192.0.2.9", localPort: 8080, proto: "http", clientAddress: IPAddress("192.0.2.9"), trustedProxies: trusted)
        #expect(!stranger.trustsForwarding)
        let spoofed = try UpstreamRequestHeadTests.fields(of: UpstreamRequestHeadTests.serialize(
            .GET, [("X-Forwarded-For", chain), ("X-Forwarded-Proto", "https")], facts: stranger))
        #expect(spoofed["x-forwarded-for"] == ["192.0.2.9"])
        #expect(spoofed["x-real-ip"] == ["192.0.2.9"])
        #expect(spoofed["x-forwarded-proto"] == ["http"])
    }

    @Test func keepsSaneRequestIDAndReplacesOthers() throws {
        #expect(try forwarded([("X-Request-ID", "req-42_a.b")])["x-request-id"] == ["req-42_a.b"])
        for bad in ["", "has space", "quote\"", String(repeating: "a", count: 200)] {
            #expect(try forwarded([("X-Request-ID", bad)])["x-request-id"] == ["generated"], "\(bad)")
        }
        #expect(try forwarded([("X-Request-ID", "a"), ("X-Request-ID", "b")])["x-request-id"] == ["generated"])
    }

    @Test func randomRequestIDIs32HexDigits() {
        let id = ForwardedHeaders.randomRequestID()
        #expect(id.count == 32)
        #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(id != ForwardedHeaders.randomRequestID())
    }
}
