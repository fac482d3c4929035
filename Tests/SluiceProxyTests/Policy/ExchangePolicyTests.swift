import NIOCore
import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// The per-exchange policy answers, as tables: which idle timeout, which cap, whether to keep
/// reading an upstream for a slow client.
@Suite("Exchange policy")
struct ExchangePolicyTests {
    private static let route = RoutePolicy(
        readTimeout: .seconds(60), streamIdleTimeout: .seconds(3600), maxStreamDuration: .seconds(600), buffering: true)

    @Test(arguments: [
        (false, ResponseKind?.none, Duration.seconds(60)),
        (true, nil, .seconds(3600)),
        (false, .ordinary, .seconds(60)),
        (true, .ordinary, .seconds(60)),
        (false, .eventStream, .seconds(3600)),
        (false, .upgrade, .seconds(3600)),
    ])
    func theIdleTimeoutIsTheStreamsOnceTheResponseIsOne(declared: Bool, kind: ResponseKind?, expected: Duration) {
        let policy = ExchangePolicy(route: Self.route, declaredEventStream: declared)
        #expect(policy.idleTimeout(for: kind) == TimeAmount(expected))
    }

    @Test func onlyStreamsHaveALifetimeCap() {
        let policy = ExchangePolicy(route: Self.route, declaredEventStream: false)
        #expect(policy.lifetimeCap(for: .ordinary) == nil)
        #expect(policy.lifetimeCap(for: .eventStream) == .seconds(600))
        #expect(policy.lifetimeCap(for: .upgrade) == .seconds(600))
    }

    @Test(arguments: [
        (true, ResponseKind?.some(.ordinary), 10, true),
        (true, .ordinary, 100, false),
        (false, .ordinary, 10, false),
        (true, .eventStream, 10, false),
        (true, .upgrade, 10, false),
        (true, nil, 10, false),
    ])
    func onlyOrdinaryResponsesOfBufferingRoutesAreReadForASlowClient(
        buffering: Bool, kind: ResponseKind?, buffered: Int, expected: Bool
    ) {
        var route = Self.route
        route.buffering = buffering
        let policy = ExchangePolicy(route: route, declaredEventStream: false)
        #expect(policy.buffersForSlowClient(kind: kind, buffered: buffered, limit: 100) == expected)
    }

    @Test func anEventStreamsHeadPlanSaysNoBuffering() {
        let policy = ExchangePolicy(route: Self.route, declaredEventStream: true)
        #expect(policy.headPlan(kind: .eventStream, closeClient: false, clientVersion: .http1_1, status: .ok).fields.map(\.name) == ["X-Accel-Buffering"])
        #expect(policy.headPlan(kind: .ordinary, closeClient: false, clientVersion: .http1_1, status: .ok).fields.isEmpty)
    }

    /// An external auth allow's cookies go on successes and redirects (nginx's `add_header`), or
    /// with `auth-always-set-cookie` on every status.
    @Test(arguments: [
        (200, false, true), (204, false, true), (302, false, true), (304, false, true), (404, false, false),
        (500, false, false), (503, false, false), (101, false, false), (503, true, true), (401, true, true),
    ])
    func authCookiesByStatus(status: Int, always: Bool, carried: Bool) {
        var policy = ExchangePolicy(route: Self.route, declaredEventStream: false)
        policy.authResponseFields = [ResponseField(name: "Set-Cookie", value: "a=1", combines: true)]
        policy.authFieldsOnEveryStatus = always
        let plan = policy.headPlan(
            kind: .ordinary, closeClient: false, clientVersion: .http1_1, status: HTTPResponseStatus(statusCode: status))
        #expect(plan.fields.map(\.value) == (carried ? ["a=1"] : []))
    }

    /// Compression is decided here, once per response: the route and the response decide
    /// whether (`ResponseCompression.allows`), the client's coding how.
    @Test(arguments: [
        (true, AcceptEncoding?.some(.gzip), ResponseKind.ordinary, HTTPVersion.http1_1, ResponseCompression.compress(.gzip)),
        (true, .deflate, .ordinary, .http1_1, .compress(.deflate)),
        (true, nil, .ordinary, .http1_1, .varyOnly),
        (false, .gzip, .ordinary, .http1_1, .off),
        (true, .gzip, .eventStream, .http1_1, .off),
        (true, .gzip, .ordinary, .http1_0, .off),
    ])
    func compressionFollowsTheRouteTheResponseAndTheClientsCoding(
        on: Bool, coding: AcceptEncoding?, kind: ResponseKind, version: HTTPVersion, expected: ResponseCompression
    ) {
        var route = Self.route
        route.compression = on
        let policy = ExchangePolicy(route: route, declaredEventStream: false, clientCoding: coding)
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("Content-Type", "text/html")]))
        #expect(policy.compression(of: head, kind: kind, clientVersion: version) == expected)
    }
}
