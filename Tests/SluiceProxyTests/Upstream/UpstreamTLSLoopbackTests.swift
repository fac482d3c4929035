import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// TLS to backends (`backend-protocol: HTTPS`) over real sockets: an HTTPS upstream with a
/// certificate from a CA the test made, behind a real proxy. Verification off accepts any
/// certificate; on, only one the trusted CA signed for the server name; a failed handshake is a
/// `502` and one error line; HTTPS and plain connections to one address never share the pool;
/// event streams arrive event by event.
@Suite("TLS to backends")
struct UpstreamTLSLoopbackTests {
    private let ca: TestCertificateAuthority
    private let certificate: TestCertificate

    init() throws {
        ca = try TestCertificateAuthority(commonName: "Backend CA")
        // No IP address in it: a verified name must come from SNI, not from the address.
        certificate = try ca.issue(dnsNames: ["web.default.svc"])
    }

    private func policy(verify: Bool = false, trusting pem: String? = nil, serverName: String = "web.default.svc") -> RoutePolicy {
        RoutePolicy(upstreamProtocol: UpstreamProtocol(
            tls: UpstreamTLS(serverName: serverName, verify: verify, trustedCertificatesPEM: pem)))
    }

    /// One request through a proxy with one route (`policy`) to an HTTPS echo upstream: its
    /// response and what the proxy logged (with metadata).
    private func exchange(_ policy: RoutePolicy) async throws -> (TestClientResponse, [String]) {
        let logged = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test.upstream-tls") { _ in RecordingLogHandler(events: logged, includesMetadata: true) }
        let response = try await withUpstream(.echo, tls: certificate) { upstream in
            try await withProxy(table(endpoints: [.local(upstream)], policy: policy), logger: logger) { proxy in
                let client = try await proxy.connect()
                try await client.send(get("/hello"))
                return try await client.readResponse()
            }
        }
        return (response, logged.withLockedValue { $0 })
    }

    @Test func withoutVerificationAnyCertificateIsAccepted() async throws {
        let (response, logged) = try await exchange(policy())
        #expect(response.status == 200)
        #expect(response.bodyText.hasPrefix("GET /hello HTTP/1.1\n"))
        // The request is the one a plain backend gets: the client's Host, and the scheme the client used.
        #expect(response.bodyText.contains("host: example.com\n"))
        #expect(response.bodyText.contains("x-forwarded-proto: http\n"))
        #expect(!logged.contains { $0.hasPrefix("error") })
    }

    @Test func verifiedAgainstTheTrustedCA() async throws {
        let (response, _) = try await exchange(policy(verify: true, trusting: ca.certificatePEM))
        #expect(response.status == 200)
    }

    @Test func aCertificateFromAnotherCAGets502AndAnErrorLine() async throws {
        let stranger = try TestCertificateAuthority(commonName: "Another CA")
        let (response, logged) = try await exchange(policy(verify: true, trusting: stranger.certificatePEM))
        #expect(response.status == 502)
        #expect(response.bodyText.contains("default/app:80"))
        let errors = logged.filter { $0.hasPrefix("error") }
        #expect(errors.count == 1, "\(logged)")
        let line = try #require(errors.first)
        #expect(line.hasPrefix("error TLS to upstream failed"))
        #expect(line.contains("backend=default/app:80"))
        #expect(line.contains("endpoint=127.0.0.1:"))
        #expect(line.contains("CERTIFICATE_VERIFY_FAILED"), "\(line)")
    }

    @Test func aCertificateForAnotherNameGets502() async throws {
        let (response, logged) = try await exchange(
            policy(verify: true, trusting: ca.certificatePEM, serverName: "other.default.svc"))
        #expect(response.status == 502)
        let line = try #require(logged.first { $0.hasPrefix("error") })
        #expect(line.contains("does not name the server name"), "\(line)")
        #expect(line.contains("serverName=other.default.svc"))
    }

    /// Verification with no CA of its own trusts the system's roots, which never signed the test CA.
    @Test func theSystemRootsDoNotTrustTheTestCA() async throws {
        let (response, _) = try await exchange(policy(verify: true))
        #expect(response.status == 502)
    }

    @Test func aPlainBackendBehindAnHTTPSRouteGets502() async throws {
        let logged = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test.upstream-tls") { _ in RecordingLogHandler(events: logged, includesMetadata: true) }
        try await withUpstream(.echo) { upstream in
            try await withProxy(table(endpoints: [.local(upstream)], policy: policy()), logger: logger) { proxy in
                let client = try await proxy.connect()
                try await client.send(get("/"))
                #expect(try await client.readResponse().status == 502)
            }
        }
        #expect(logged.withLockedValue { $0 }.contains { $0.hasPrefix("error TLS to upstream failed") })
    }

    /// A backend that accepts the connection and never answers the handshake holds the request
    /// no longer than the route's connect timeout.
    @Test func aSilentBackendFailsTheHandshakeAtTheConnectTimeout() async throws {
        let logged = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test.upstream-tls") { _ in RecordingLogHandler(events: logged, includesMetadata: true) }
        var silent = policy()
        // 1 s, not less: on a loaded CI machine the TCP connect itself must not reach it (then
        // the connect, not the handshake, would be what timed out).
        silent.connectTimeout = .seconds(1)
        try await withUpstream(.silent) { upstream in
            try await withProxy(table(endpoints: [.local(upstream)], policy: silent), logger: logger) { proxy in
                let client = try await proxy.connect()
                let start = ContinuousClock.now
                try await client.send(get("/"))
                #expect(try await client.readResponse().status == 502)
                #expect(ContinuousClock.now - start >= .seconds(1))
            }
        }
        #expect(logged.withLockedValue { $0 }.contains { $0.contains("reason=no TLS handshake within 1000 ms") })
    }

    /// Routes that speak to one address differently never share a pooled connection: after a
    /// request left its connection idle in the pool, a route of another kind gets a new one —
    /// which fails here, since the upstream speaks only one of them; handed the pooled one, it
    /// would get a `200`. One event loop, so that every request sees the same pool; a client
    /// connection per request, since a `502` may close it.
    @Test func routesOfDifferentTransportsNeverShareAPooledConnection() async throws {
        let stranger = try TestCertificateAuthority(commonName: "Another CA")
        let routes = { (endpoint: Endpoint) in
            RoutingTable(routes: [
                ("https", policy()), ("verified", policy(verify: true, trusting: stranger.certificatePEM)),
                ("plain", RoutePolicy.default),
            ].map { name, policy in
                Route(host: .exact("\(name).example.com"), path: .prefix(ingressPath: "/"),
                      backend: Backend(name: "default/app:443", endpoints: [endpoint]), policy: policy, source: "default/\(name)")
            })
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        func status(_ proxy: ProxyUnderTest, _ name: String) async throws -> Int {
            let client = try await proxy.connect()
            try await client.send(get("/", host: "\(name).example.com"))
            return try await client.readResponse().status
        }
        try await withTeardown {
            try await withUpstream(.echo, tls: certificate) { upstream in
                try await withProxy(routes(.local(upstream)), group: group) { proxy in
                    var statuses: [Int] = []
                    for name in ["https", "plain", "verified", "https"] { statuses.append(try await status(proxy, name)) }
                    #expect(statuses == [200, 502, 502, 200])
                    #expect(proxy.metrics.upstreamConnectionsReused == 1)
                }
            }
            try await withUpstream(.echo) { upstream in
                try await withProxy(routes(.local(upstream)), group: group) { proxy in
                    var statuses: [Int] = []
                    for name in ["plain", "https", "plain"] { statuses.append(try await status(proxy, name)) }
                    #expect(statuses == [200, 502, 200])
                    #expect(proxy.metrics.upstreamConnectionsReused == 1)
                }
            }
        } teardown: {
            try await group.shutdownGracefully()
        }
    }

    /// An event stream from an HTTPS backend arrives event by event: each is sent only after
    /// the client has the one before.
    @Test func anEventStreamOverTLSArrivesEventByEvent() async throws {
        let permits = UpstreamPermits()
        try await withUpstream(.eventStream(count: 10, permits: permits), tls: certificate) { upstream in
            let routes = table(endpoints: [.local(upstream)], policy: policy(verify: true, trusting: ca.certificatePEM))
            try await withProxy(routes) { proxy in
                let client = try await proxy.connect()
                try await client.send(get("/events"))
                try await client.waitForText("\r\n\r\n")
                #expect(client.receivedText.lowercased().contains("content-type: text/event-stream"))
                for i in 0..<10 {
                    permits.grant()
                    try await client.waitForText("data: event \(i)\n\n")
                    #expect(!client.receivedText.contains("data: event \(i + 1)\n\n"))
                }
                try await client.waitForText("\r\n0\r\n\r\n")
            }
        }
    }
}
