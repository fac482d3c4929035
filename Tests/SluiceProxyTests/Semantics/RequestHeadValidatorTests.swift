import NIOHTTP1
import SluiceProxy
import Testing

@Suite("Request head validation")
struct RequestHeadValidatorTests {
    private func head(_ fields: [(String, String)], version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .POST, uri: "/", headers: HTTPHeaders(fields))
    }

    private func status(_ fields: [(String, String)], version: HTTPVersion = .http1_1, max: Int = 32 * 1024) -> UInt? {
        RequestHeadValidator.validate(head(fields, version: version), maxHeaderBytes: max)?.status.code
    }

    @Test func acceptsOrdinaryRequests() {
        #expect(status([("Host", "a")]) == nil)
        #expect(status([("Host", "a"), ("Content-Length", "10")]) == nil)
        #expect(status([("Host", "a"), ("Content-Length", "10"), ("Content-Length", "10")]) == nil)
        #expect(status([("Host", "a"), ("Transfer-Encoding", "Chunked")]) == nil)
        #expect(status([], version: .http1_0) == nil)
    }

    @Test func rejectsFramingAmbiguities() {
        #expect(status([("Host", "a"), ("Content-Length", "3"), ("Transfer-Encoding", "chunked")]) == 400)
        #expect(status([("Host", "a"), ("Transfer-Encoding", "gzip")]) == 400)
        #expect(status([("Host", "a"), ("Transfer-Encoding", "gzip, chunked")]) == 400)
        #expect(status([("Host", "a"), ("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")]) == 400)
        #expect(status([("Host", "a"), ("Content-Length", "3"), ("Content-Length", "4")]) == 400)
        #expect(status([("Host", "a"), ("Content-Length", "3, 4")]) == 400)
        #expect(status([("Host", "a"), ("Content-Length", "-1")]) == 400)
        #expect(status([("Host", "a"), ("Content-Length", "0x10")]) == 400)
        #expect(status([("Host", "a"), ("Content-Length", "")]) == 400)
        #expect(status([("Transfer-Encoding", "chunked")], version: .http1_0) == 400)
        #expect(status([("Host", "a"), ("Transfer-Encoding", "chunked")], version: .http1_0) == 400)
    }

    @Test func requiresExactlyOneHostOnHTTP11() {
        #expect(status([]) == 400)
        #expect(status([("Host", "a"), ("Host", "b")]) == 400)
    }

    @Test func limitsHeadSize() {
        #expect(status([("Host", "a"), ("X-Big", String(repeating: "x", count: 5000))], max: 4096) == 431)
    }
}
