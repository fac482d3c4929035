import Foundation
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// gRPC end to end on loopback, with grpcio on both sides (`Scripts/test_python`): a client over
/// TLS (ALPN `h2`) to the proxy, which speaks HTTP/2 in the clear to a grpcio server
/// (`backend-protocol: GRPC`). Each streaming test is in lockstep, so that a proxy holding a
/// message back stalls the call and fails it.
@Suite("gRPC through the proxy", .serialized)
struct GRPCLoopbackTests {
    let fixture: GRPCFixture

    init() throws {
        fixture = try GRPCFixture()
    }

    /// The call's deadline (`grpc-timeout`) reaches the upstream: it sees at most the client's 20
    /// seconds left (without one, grpcio reports a huge number).
    @Test func aUnaryCallIsAnsweredAndItsDeadlineReachesTheUpstream() async throws {
        try await fixture.withUpstreamAndProxy { proxy, _ in
            let echo = try await fixture.call(proxy, "unary", ["hello"])
            #expect(echo.code == "OK")
            #expect(echo.messages == ["echo:hello"])

            let deadline = try await fixture.call(proxy, "unary", ["deadline?"])
            #expect(deadline.code == "OK")
            let left = deadline.messages.first.flatMap { Int($0) }
            #expect(left.map { (1...20).contains($0) } == true, "the upstream saw \(deadline.messages)")
        }
    }

    /// The upstream sends each message only once the client acknowledged the one before (to the
    /// upstream directly): a proxy that buffered a message would never see the next.
    @Test func serverStreamingMessagesArriveOneByOne() async throws {
        try await fixture.withUpstreamAndProxy { proxy, port in
            let result = try await fixture.call(proxy, "server-stream", ["5", "127.0.0.1:\(port)"])
            #expect(result.code == "OK", "\(result.details ?? "")")
            #expect(result.messages == (0..<5).map { "message-\($0)" })
        }
    }

    @Test func clientStreamingMessagesAllReachTheUpstream() async throws {
        try await fixture.withUpstreamAndProxy { proxy, _ in
            let result = try await fixture.call(proxy, "client-stream", ["a", "b", "c"])
            #expect(result.code == "OK")
            #expect(result.messages == ["3:a,b,c"])
        }
    }

    /// Each message goes up only once the previous one's echo came back: both directions must
    /// pass each message on as it comes.
    @Test func bidirectionalMessagesCrossInLockstep() async throws {
        try await fixture.withUpstreamAndProxy { proxy, _ in
            let result = try await fixture.call(proxy, "bidi", ["x", "y", "z"])
            #expect(result.code == "OK", "\(result.details ?? "")")
            #expect(result.messages == ["echo:x", "echo:y", "echo:z"])
        }
    }

    /// The upstream's status, message and trailing metadata arrive as its trailers said.
    @Test func theUpstreamsStatusAndTrailersReachTheClient() async throws {
        try await fixture.withUpstreamAndProxy { proxy, _ in
            let result = try await fixture.call(proxy, "fail", ["9", "precondition failed: caf\u{E9} 100%"])
            #expect(result.code == "FAILED_PRECONDITION")
            #expect(result.details == "precondition failed: caf\u{E9} 100%")
            #expect(result.trailing["x-detail"] == "from-upstream")
        }
    }

    /// The client's own deadline, shorter than the upstream's delay.
    @Test func aCallPastItsDeadlineEndsDeadlineExceeded() async throws {
        try await fixture.withUpstreamAndProxy { proxy, _ in
            let result = try await fixture.call(proxy, "deadline", ["0.5", "3"])
            #expect(result.code == "DEADLINE_EXCEEDED")
        }
    }

    /// The route's read timeout, shorter than the upstream's delay: the proxy answers
    /// `DEADLINE_EXCEEDED` itself, saying so.
    @Test func theProxysReadTimeoutIsDeadlineExceeded() async throws {
        var policy = GRPCFixture.grpc()
        policy.readTimeout = .milliseconds(300)
        try await fixture.withUpstreamAndProxy(policy: policy) { proxy, _ in
            let result = try await fixture.call(proxy, "deadline", ["10", "3"])
            #expect(result.code == "DEADLINE_EXCEEDED")
            #expect(result.details?.contains("timed out") == true, "\(result.details ?? "")")
        }
    }

    /// A server-streaming call is a stream: its messages may be further apart than the read
    /// timeout (the stream idle timeout applies between them).
    @Test func aStreamOutlivesTheReadTimeoutBetweenMessages() async throws {
        var policy = GRPCFixture.grpc()
        policy.readTimeout = .milliseconds(300)
        try await fixture.withUpstreamAndProxy(policy: policy) { proxy, port in
            // The client waits 0.5 s before each acknowledgement: so does the upstream between
            // messages.
            let result = try await fixture.call(proxy, "server-stream", ["3", "127.0.0.1:\(port)", "0.5"])
            #expect(result.code == "OK", "\(result.details ?? "")")
            #expect(result.messages.count == 3)
        }
    }

    /// Only `/test.Echo/` is routed: another service's method has no route (the backend, never
    /// asked, need not exist).
    /// `GRPCS`: HTTP/2 over TLS (ALPN `h2`) to the upstream, its certificate verified against the
    /// route's CA and name; streaming as over plain HTTP/2. A certificate for another name fails
    /// the call as UNAVAILABLE, never unverified.
    @Test func grpcsVerifiesTheUpstreamAndStreams() async throws {
        var verified = RoutePolicy.default
        verified.upstreamProtocol = UpstreamProtocol(
            version: .http2, tls: UpstreamTLS(serverName: "echo.grpc.test", verify: true, trustedCertificatesPEM: fixture.tls.ca.certificatePEM),
            grpc: true)
        try await fixture.withTLSUpstreamAndProxy(upstreamName: "echo.grpc.test", policy: verified) { proxy in
            let echo = try await fixture.call(proxy, "unary", ["over tls"])
            #expect(echo.code == "OK", "\(echo.details ?? "")")
            #expect(echo.messages == ["echo:over tls"])
            let bidi = try await fixture.call(proxy, "bidi", ["x", "y"])
            #expect(bidi.messages == ["echo:x", "echo:y"])
        }
        try await fixture.withTLSUpstreamAndProxy(upstreamName: "other.grpc.test", policy: verified) { proxy in
            let refused = try await fixture.call(proxy, "unary", ["over tls"])
            #expect(refused.code == "UNAVAILABLE", "\(refused.details ?? "")")
        }
    }

    @Test func aMethodNoRouteServesIsUnimplemented() async throws {
        let table = fixture.table(endpoints: [Endpoint(host: "127.0.0.1", port: 1)], path: "/test.Echo/")
        try await fixture.withProxy(table) { proxy in
            let result = try await fixture.call(proxy, "method", ["/test.Missing/Call", "x"])
            #expect(result.code == "UNIMPLEMENTED")
            #expect(result.details?.contains("no route") == true, "\(result.details ?? "")")
        }
    }

    @Test func aDeadUpstreamIsUnavailable() async throws {
        let refused = try await refusedEndpoint()
        try await fixture.withProxy(fixture.table(endpoints: [refused])) { proxy in
            let result = try await fixture.call(proxy, "unary", ["hello"])
            #expect(result.code == "UNAVAILABLE")
            #expect(result.details?.contains("unreachable") == true, "\(result.details ?? "")")
        }
    }

    @Test func aBackendWithoutEndpointsIsUnavailable() async throws {
        try await fixture.withProxy(fixture.table(endpoints: [])) { proxy in
            let result = try await fixture.call(proxy, "unary", ["hello"])
            #expect(result.code == "UNAVAILABLE")
            #expect(result.details?.contains("no ready endpoints") == true, "\(result.details ?? "")")
        }
    }

    /// gRPC over HTTP/1.1 to a gRPC route: `426`, naming HTTP/2.
    @Test func aGRPCRouteAskedOverHTTP1Gets426() async throws {
        try await fixture.withUpstreamAndProxy { proxy, _ in
            let result = try await CurlProcess.run([
                "--http1.1", "-i", "--cacert", fixture.tls.caFile.path,
                "--resolve", "\(GRPCFixture.host):\(proxy.httpsPort):127.0.0.1",
                "-H", "content-type: application/grpc", "--data-binary", "x",
                "https://\(GRPCFixture.host):\(proxy.httpsPort)/test.Echo/Unary",
            ])
            #expect(result.stdout.hasPrefix("HTTP/1.1 426"), "\(result.stdout)")
            #expect(result.stdout.lowercased().contains("upgrade: h2\r\n"))
        }
    }
}
