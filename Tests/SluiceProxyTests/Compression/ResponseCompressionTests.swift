import NIOHTTP1
import Testing

@testable import SluiceProxy

@Suite("Response compression decisions")
struct ResponseCompressionTests {
    @Test(arguments: [
        "text/plain", "text/html; charset=utf-8", "TEXT/CSS", "application/json", "Application/JSON ; charset=utf-8",
        "application/javascript", "application/problem+json", "application/atom+xml", "image/svg+xml",
        "application/vnd.ms-fontobject", "image/x-icon",
    ])
    func compressibleTypes(_ contentType: String) {
        #expect(CompressibleMediaType.allows(contentType: contentType))
    }

    @Test(arguments: [
        "image/png", "image/jpeg", "image/webp", "video/mp4", "application/zip", "application/gzip",
        "application/octet-stream", "font/woff2", "application/pdf", "text/", "", "image/svg", "font/woff+xml",
    ])
    func incompressibleTypes(_ contentType: String) {
        #expect(!CompressibleMediaType.allows(contentType: contentType))
    }

    private func head(_ fields: [(String, String)]) -> HTTPResponseHead {
        HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(fields))
    }

    private func allows(_ head: HTTPResponseHead) -> Bool {
        ResponseCompression.allows(head, kind: .ordinary, compressionOn: true, clientVersion: .http1_1)
    }

    @Test func lengthTypeAndEncodingDecide() {
        #expect(allows(head([("Content-Type", "application/json"), ("Content-Length", "256")])))
        #expect(allows(head([("Content-Type", "application/json")])), "no length: chunked, unknown")
        #expect(!allows(head([("Content-Type", "application/json"), ("Content-Length", "255")])))
        #expect(!allows(head([("Content-Length", "4096")])), "no type")
        #expect(!allows(head([("Content-Type", "text/plain"), ("Content-Encoding", "br")])))
        #expect(!allows(head([("Content-Type", "text/plain"), ("Cache-Control", "public, No-Transform")])))
    }

    @Test func onlyWholeRepresentationsAreCompressed() {
        func allows(_ status: HTTPResponseStatus) -> Bool {
            ResponseCompression.allows(
                HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders([("Content-Type", "text/plain")])),
                kind: .ordinary, compressionOn: true, clientVersion: .http1_1)
        }
        #expect(allows(.ok) && allows(.forbidden) && allows(.notFound))
        #expect(!allows(.partialContent), "Content-Range counts uncompressed bytes")
        #expect(!allows(.created) && !allows(.notModified) && !allows(.internalServerError) && !allows(.noContent))
    }

    @Test func varyIsAddedOnceAndTheETagWeakenedOnlyWhenCompressed() {
        var headers = HTTPHeaders([("ETag", "\"abc\""), ("Vary", "accept-encoding")])
        ResponseCompression.prepare(&headers, compressed: true)
        #expect(headers["vary"] == ["accept-encoding"])
        #expect(headers["etag"] == ["W/\"abc\""])

        var weak = HTTPHeaders([("ETag", "W/\"abc\""), ("Vary", "*")])
        ResponseCompression.prepare(&weak, compressed: true)
        #expect(weak["etag"] == ["W/\"abc\""])
        #expect(weak["vary"] == ["*"])

        var plain = HTTPHeaders([("ETag", "\"abc\"")])
        ResponseCompression.prepare(&plain, compressed: false)
        #expect(plain["etag"] == ["\"abc\""])
        #expect(plain["vary"] == ["Accept-Encoding"])
    }
}
