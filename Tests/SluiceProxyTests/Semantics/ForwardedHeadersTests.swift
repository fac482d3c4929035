import NIOHTTP1
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

    @Test func appendsToExistingForwardedFor() throws {
        let result = try forwarded([("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "2.2.2.2, 3.3.3.3")])
        #expect(result["x-forwarded-for"] == ["1.1.1.1, 2.2.2.2, 3.3.3.3, 10.1.2.3"])
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
