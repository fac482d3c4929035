import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The proxy's own answers as a gRPC client reads them: which requests are gRPC, which status
/// each proxy error becomes, and `grpc-message`'s encoding.
@Suite("gRPC error response")
struct GRPCErrorResponseTests {
    @Test(arguments: [
        ("application/grpc", true), ("application/grpc+proto", true), ("Application/GRPC+json", true),
        ("application/grpc; charset=utf-8", true), (" application/grpc ", true),
        ("application/grpc-web", false), ("application/grpc-web+proto", false), ("application/json", false),
        ("application/grp", false), ("text/plain", false),
    ])
    func aRequestIsGRPCByItsContentType(contentType: String, grpc: Bool) {
        #expect(GRPCErrorResponse.isGRPC(contentType: contentType) == grpc)
    }

    @Test func aRequestWithoutContentTypeIsNotGRPC() {
        #expect(!GRPCErrorResponse.isGRPC(contentType: nil))
    }

    @Test(arguments: [
        (ProxyErrorResponse.noRoute(host: "h", path: "/p"), 12),
        (.noEndpoints(backend: "b"), 14),
        (.upstreamUnreachable(backend: "b"), 14),
        (.upstreamClosed(backend: "b"), 14),
        (.upstreamInvalidResponse(backend: "b"), 14),
        (.upstreamTimeout(backend: "b"), 4),
        (.requestTimeout, 4),
        (.addressNotAllowed, 7),
        (.rejected(RequestRejection(status: .badRequest, reason: "bad")), 13),
        (.redirectToHTTPS("https://h/"), 2),
    ])
    func eachProxyErrorHasItsStatus(error: ProxyErrorResponse, status: Int) {
        #expect(GRPCErrorResponse.status(for: error) == status)
        let headers = GRPCErrorResponse.headers(for: error)
        #expect(headers.first(name: ":status") == "200")
        #expect(headers.first(name: "content-type") == "application/grpc")
        #expect(headers.first(name: "grpc-status") == String(status))
        #expect(headers.first(name: "grpc-message") == error.message)
    }

    /// gRPC's percent-encoding: printable ASCII but `%` as is, anything else as `%XX` bytes.
    @Test func grpcMessageIsPercentEncoded() {
        #expect(GRPCErrorResponse.percentEncoded("no route for \"h\" 100%") == "no route for \"h\" 100%25")
        #expect(GRPCErrorResponse.percentEncoded("caf\u{E9}\n") == "caf%C3%A9%0A")
    }
}
