import NIOHTTP1
import SluiceProxy
import Testing

@Suite("Forwarded headers")
struct ForwardedHeadersTests {
    let facts = ClientConnectionFacts(clientIP: "10.1.2.3", localPort: 8080, proto: "http")

    @Test func setsForwardingFields() {
        let result = ForwardedHeaders.applying(
            to: HTTPHeaders([("Host", "example.com:8080")]), facts: facts, generatedRequestID: "gen")
        #expect(result["x-forwarded-for"] == ["10.1.2.3"])
        #expect(result["x-real-ip"] == ["10.1.2.3"])
        #expect(result["x-forwarded-proto"] == ["http"])
        #expect(result["x-forwarded-host"] == ["example.com:8080"])
        #expect(result["x-forwarded-port"] == ["8080"])
        #expect(result["x-request-id"] == ["gen"])
        #expect(result["host"] == ["example.com:8080"])
    }

    @Test func appendsToExistingForwardedFor() {
        let result = ForwardedHeaders.applying(
            to: HTTPHeaders([("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "2.2.2.2, 3.3.3.3")]),
            facts: facts, generatedRequestID: "gen")
        #expect(result["x-forwarded-for"] == ["1.1.1.1, 2.2.2.2, 3.3.3.3, 10.1.2.3"])
    }

    @Test func keepsSaneRequestIDAndReplacesOthers() {
        let kept = ForwardedHeaders.applying(to: HTTPHeaders([("X-Request-ID", "req-42_a.b")]), facts: facts, generatedRequestID: "gen")
        #expect(kept["x-request-id"] == ["req-42_a.b"])
        for bad in ["", "has space", "quote\"", String(repeating: "a", count: 200)] {
            let replaced = ForwardedHeaders.applying(to: HTTPHeaders([("X-Request-ID", bad)]), facts: facts, generatedRequestID: "gen")
            #expect(replaced["x-request-id"] == ["gen"], "\(bad)")
        }
        let twice = ForwardedHeaders.applying(
            to: HTTPHeaders([("X-Request-ID", "a"), ("X-Request-ID", "b")]), facts: facts, generatedRequestID: "gen")
        #expect(twice["x-request-id"] == ["gen"])
    }

    @Test func randomRequestIDIs32HexDigits() {
        let id = ForwardedHeaders.randomRequestID()
        #expect(id.count == 32)
        #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(id != ForwardedHeaders.randomRequestID())
    }
}
