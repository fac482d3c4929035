@testable import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite("Proxy compression")
struct ProxyCompressionTests {
    private static let gzipMagic: [UInt8] = [0x1f, 0x8b]
    /// The echo upstream's body repeats the request's fields: this one makes it longer than the
    /// shortest body compressed (`ResponseCompression.minimumLength`).
    private static let padding = "X-Padding: " + String(repeating: "p", count: 300)

    private func exchange(compression: Bool, acceptEncoding: String?) async throws -> TestClientResponse {
        try await withProxy(upstream: .echo, policy: RoutePolicy(compression: compression)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/text", extra: (acceptEncoding.map { ["Accept-Encoding: \($0)"] } ?? []) + [Self.padding]))
            return try await client.readResponse()
        }
    }

    @Test func ordinaryResponseIsGzippedWhenOnAndAccepted() async throws {
        let response = try await exchange(compression: true, acceptEncoding: "gzip")
        #expect(response.status == 200)
        #expect(response.header("content-encoding") == "gzip")
        #expect(Array(response.body.prefix(2)) == Self.gzipMagic)
    }

    /// Accept-Encoding read as RFC 9110 has it (case, spaces, weights); gzip on a tie, as from
    /// nginx (NIO's own reading picks deflate for `gzip, deflate`).
    @Test(arguments: [
        ("gzip, deflate", "gzip"), ("deflate, gzip, br, zstd", "gzip"), ("GZIP", "gzip"), ("gzip ; q=1", "gzip"),
        ("gzip;q=0, deflate", "deflate"),
    ])
    func codingFollowsTheClientsWeights(acceptEncoding: String, coding: String) async throws {
        let response = try await exchange(compression: true, acceptEncoding: acceptEncoding)
        #expect(response.header("content-encoding") == coding)
    }

    /// The upstream sees the client's field as sent, whatever the compressor made of it.
    @Test func upstreamGetsTheClientsAcceptEncoding() async throws {
        let response = try await exchange(compression: true, acceptEncoding: "br, zstd")
        #expect(response.header("content-encoding") == nil)
        #expect(response.bodyText.contains("\naccept-encoding: br, zstd\n"))
    }

    /// A `HEAD` gets the fields its `GET` would (RFC 9110 §9.3.2), as from nginx: `Vary`, and
    /// for a client accepting gzip, `Content-Encoding` instead of the uncompressed length.
    @Test(arguments: [("gzip", "gzip"), (nil, nil)] as [(String?, String?)])
    func headResponseSaysWhatItsGetWould(acceptEncoding: String?, coding: String?) async throws {
        try await withProxy(upstream: .echo, policy: RoutePolicy(compression: true)) { proxy, _ in
            let client = try await proxy.connect()
            let fields = (acceptEncoding.map { ["Accept-Encoding: \($0)"] } ?? []) + [Self.padding]
            try await client.send(request("HEAD", "/text", extra: fields))
            let response = try await client.readResponse(headRequest: true)
            #expect(response.status == 200)
            #expect(response.header("vary") == "Accept-Encoding")
            #expect(response.header("content-encoding") == coding)
            #expect((response.header("content-length") != nil) == (coding == nil))
            // The connection is still in step: the next response is read whole.
            try await client.send(get("/text"))
            #expect(try await client.readResponse().status == 200)
        }
    }

    @Test func responseIsUntouchedWhenOff() async throws {
        let response = try await exchange(compression: false, acceptEncoding: "gzip")
        #expect(response.header("content-encoding") == nil)
        #expect(response.bodyText.hasPrefix("GET /text HTTP/1.1\n"))
    }

    @Test func responseIsUntouchedWhenTheClientDoesNotAcceptGzip() async throws {
        let response = try await exchange(compression: true, acceptEncoding: nil)
        #expect(response.header("content-encoding") == nil)
        #expect(response.bodyText.hasPrefix("GET /text HTTP/1.1\n"))
    }

    /// An HTTP/1.0 client gets the body as the upstream framed it, whatever it accepts: a gzipped
    /// body has no length, and a 1.0 client cannot read chunks (nginx's `gzip_http_version 1.1`).
    @Test func http10ClientsGetUncompressedResponses() async throws {
        try await withProxy(upstream: .echo, policy: RoutePolicy(compression: true)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send("GET /text HTTP/1.0\r\nHost: example.com\r\nAccept-Encoding: gzip\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("content-encoding") == nil)
            #expect(response.header("transfer-encoding") == nil)
            #expect(response.header("content-length").flatMap(Int.init) == response.body.count)
            #expect(response.bodyText.hasPrefix("GET /text HTTP/1.1\n"))
        }
    }

    /// Event streams are never compressed, even on a compressing route and with a client that
    /// accepts gzip: each event arrives as plain text.
    @Test func eventStreamIsNeverCompressed() async throws {
        try await withProxy(
            upstream: .eventStream(count: 3, permits: UpstreamPermits(), freeEvents: 3),
            policy: RoutePolicy(compression: true)
        ) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/events", extra: ["Accept-Encoding: gzip", "Accept: text/event-stream"]))
            try await client.waitForText("\r\n0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.header("content-encoding") == nil)
            #expect(response.bodyText.contains("data: event 2\n\n"))
        }
    }

    /// Every connection can compress: one opened while no route compressed gets gzip on its
    /// next response once a new table turns compression on, and stays open.
    @Test func aConnectionFromBeforeCompressionWasTurnedOnCompressesItsNextResponse() async throws {
        try await withProxy(upstream: .echo, policy: RoutePolicy(compression: false)) { proxy, upstream in
            let old = try await proxy.connect()
            try await old.send(get("/text", extra: ["Accept-Encoding: gzip", Self.padding]))
            let before = try await old.readResponse()
            #expect(before.header("content-encoding") == nil)

            _ = proxy.store.publish(table(endpoints: [.local(upstream)], policy: RoutePolicy(compression: true)))
            try await old.send(get("/text", extra: ["Accept-Encoding: gzip", Self.padding]))
            let turnedOn = try await old.readResponse()
            #expect(turnedOn.header("content-encoding") == "gzip")
            #expect(turnedOn.header("connection") != "close")
            #expect(turnedOn.header("vary") == "Accept-Encoding")
            let text = try #require(inflate(turnedOn.body, windowBits: 16 + 15))
            #expect(String(decoding: text, as: UTF8.self).hasPrefix("GET /text HTTP/1.1\n"))
        }
    }

    /// Several requests on one kept-alive connection: each response is compressed or not by its
    /// own request's `Accept-Encoding`.
    @Test func eachRequestOnAConnectionGetsItsOwnDecision() async throws {
        try await withProxy(upstream: .echo, policy: RoutePolicy(compression: true)) { proxy, _ in
            let client = try await proxy.connect()
            for accepts in [true, false, true] {
                try await client.send(get("/text", extra: (accepts ? ["Accept-Encoding: gzip"] : []) + [Self.padding]))
                let response = try await client.readResponse()
                #expect(response.header("content-encoding") == (accepts ? "gzip" : nil))
            }
        }
    }

    /// A script upstream answering every request with `fields` and a body of `length` bytes.
    private func scripted(_ fields: [String], length: Int) -> UpstreamBehaviour {
        let head = (["HTTP/1.1 200 OK", "Content-Length: \(length)"] + fields).joined(separator: "\r\n")
        return .script([head + "\r\n\r\n" + String(repeating: "{\"token\": 1}\n", count: length / 13 + 1).prefix(length)])
    }

    private func exchange(_ behaviour: UpstreamBehaviour, acceptGzip: Bool) async throws -> TestClientResponse {
        try await withProxy(upstream: behaviour, policy: RoutePolicy(compression: true)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/data", extra: acceptGzip ? ["Accept-Encoding: gzip"] : []))
            return try await client.readResponse()
        }
    }

    /// As nginx with `gzip_vary on`: both forms of a compressible response say `Vary:
    /// Accept-Encoding`; the gzipped one's strong `ETag` becomes weak.
    @Test func compressibleResponsesVaryOnAcceptEncodingAndTheGzippedOneHasAWeakETag() async throws {
        let json = scripted(["Content-Type: application/json", "ETag: \"v1\"", "Vary: Origin"], length: 400)
        let gzipped = try await exchange(json, acceptGzip: true)
        #expect(gzipped.header("content-encoding") == "gzip")
        #expect(gzipped.headerValues("vary") == ["Origin", "Accept-Encoding"])
        #expect(gzipped.header("etag") == "W/\"v1\"")

        let plain = try await exchange(json, acceptGzip: false)
        #expect(plain.header("content-encoding") == nil)
        #expect(plain.headerValues("vary") == ["Origin", "Accept-Encoding"])
        #expect(plain.header("etag") == "\"v1\"")
        #expect(plain.body.count == 400)
    }

    /// Already compressed formats and short bodies are sent as they are, and vary on nothing.
    @Test func imagesArchivesAndShortBodiesAreNotCompressed() async throws {
        for fields in [["Content-Type: image/png"], ["Content-Type: application/zip"], ["Content-Type: font/woff2"], []] {
            let response = try await exchange(scripted(fields, length: 4000), acceptGzip: true)
            #expect(response.header("content-encoding") == nil, "\(fields)")
            #expect(response.header("vary") == nil, "\(fields)")
            #expect(response.body.count == 4000)
        }
        let short = try await exchange(scripted(["Content-Type: application/json"], length: 100), acceptGzip: true)
        #expect(short.header("content-encoding") == nil)
        #expect(short.body.count == 100)
    }

    /// What a client inflates is the upstream's body, byte for byte, in either coding; the
    /// compressed body is chunked, with no `Content-Length`.
    @Test(arguments: [AcceptEncoding.gzip, .deflate])
    func aCompressedBodyInflatesToTheUpstreamsBody(coding: AcceptEncoding) async throws {
        let json = scripted(["Content-Type: application/json"], length: 20_000)
        let plain = try await exchange(json, acceptGzip: false)
        let response = try await withProxy(upstream: json, policy: RoutePolicy(compression: true)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/data", extra: ["Accept-Encoding: \(AcceptEncoding.fieldValue(for: coding))"]))
            return try await client.readResponse()
        }
        #expect(response.header("content-encoding") == AcceptEncoding.fieldValue(for: coding))
        #expect(response.header("content-length") == nil)
        #expect(response.chunked)
        #expect(response.body.count < plain.body.count / 4)
        #expect(inflate(response.body, windowBits: coding.windowBits) == plain.body)
    }

    /// A head that arrives alone, its body in a later read: the head the client gets already
    /// says gzip and has no `Content-Length` (the upstream's counts uncompressed bytes), and the
    /// body follows as it comes.
    @Test func aHeadThatArrivesBeforeItsBodyIsCompressedToo() async throws {
        let permits = UpstreamPermits()
        let body = String(repeating: "{\"token\": 1}\n", count: 40)
        let pieces = [
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n", body,
        ]
        try await withProxy(upstream: .script(pieces, permits: permits), policy: RoutePolicy(compression: true)) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/data", extra: ["Accept-Encoding: gzip"]))
            try await client.waitForText("\r\n\r\n")
            permits.grant()
            let response = try await client.readResponse()
            #expect(response.header("content-encoding") == "gzip")
            #expect(response.header("content-length") == nil)
            #expect(inflate(response.body, windowBits: 16 + 15) == Array(body.utf8))
        }
    }
}
