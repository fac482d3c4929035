import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// Redirects to HTTPS and `Strict-Transport-Security` as `RequestDecision` decides them: a table
/// of requests, over plain HTTP or TLS, against routes with and without certificates.
@Suite("HTTPS redirect and HSTS")
struct HTTPSRedirectTests {
    private static let app = Backend(name: "default/app:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)])
    private static let certificate = ServingCertificate(
        chainPEM: "chain", privateKeyPEM: "key", source: "default/tls", fingerprint: "00", notAfter: 0)

    private static func route(_ host: String?, _ policy: RoutePolicy = .default) -> Route {
        Route(host: HostMatch(ingressHost: host), path: .prefix(ingressPath: "/"), backend: app, policy: policy, source: "default/a")
    }

    private static let table = RoutingTable(
        routes: [
            route("secure.example.com"),
            route("*.wild.example.com"),
            route("optout.example.com", RoutePolicy(sslRedirect: false)),
            route("forced.example.com", RoutePolicy(forceSSLRedirect: true)),
            route("plain.example.com"),
            route(nil, RoutePolicy(forceSSLRedirect: true)),
        ],
        certificates: CertificateTable(hosts: [
            "secure.example.com": certificate, "*.wild.example.com": certificate, "optout.example.com": certificate,
        ]))

    private static func decide(
        _ host: String, _ target: String, method: HTTPMethod = .GET, secure: Bool = false, redirectPort: Int = 443
    ) -> RequestDecision {
        var configuration = ProxyConfiguration()
        configuration.httpsRedirectPort = redirectPort
        var headers = HTTPHeaders([("Host", host)])
        if method == .POST { headers.add(name: "Content-Length", value: "3") }
        return RequestDecision.decide(
            HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers), table: table,
            configuration: configuration, secure: secure, facts: ClientConnectionFacts(clientIP: "192.0.2.7", localPort: 80, proto: "http", clientAddress: IPAddress("192.0.2.7")))
    }

    @Test(arguments: [
        ("secure.example.com", "/a/b?x=1&y=2", "https://secure.example.com/a/b?x=1&y=2"),
        ("Secure.Example.COM:8080", "/", "https://secure.example.com/"),
        ("chat.wild.example.com", "/events", "https://chat.wild.example.com/events"),
        ("forced.example.com", "/login", "https://forced.example.com/login"),
    ])
    func plainHTTPToATLSHostIsRedirectedWithPathAndQuery(host: String, target: String, location: String) {
        guard case .respond(let response, false) = Self.decide(host, target) else {
            Issue.record("\(host)\(target) not redirected")
            return
        }
        #expect(response.status == .permanentRedirect)
        #expect(response.location == location)
        #expect(response.head().headers["location"] == [location])
    }

    @Test(arguments: [
        ("optout.example.com", "/"),  // ssl-redirect: "false"
        ("plain.example.com", "/"),  // no certificate, no force
        ("anything.test", "/"),  // force-ssl-redirect on a catch-all route: the host is not reflected
        ("secure.example.com", "/.well-known/acme-challenge/token123"),  // cert-manager's HTTP-01
    ])
    func theseAreServedOverPlainHTTP(host: String, target: String) {
        guard case .forward = Self.decide(host, target) else {
            Issue.record("\(host)\(target) not forwarded")
            return
        }
    }

    @Test func aRequestOverTLSIsNeverRedirected() {
        guard case .forward = Self.decide("secure.example.com", "/", secure: true) else {
            Issue.record("not forwarded")
            return
        }
    }

    @Test func theRedirectNamesThePublicHTTPSPortUnlessItIs443() {
        guard case .respond(let response, _) = Self.decide("secure.example.com", "/x", redirectPort: 8443) else {
            Issue.record("not redirected")
            return
        }
        #expect(response.location == "https://secure.example.com:8443/x")
    }

    /// An upload is redirected at once (308 keeps the method and body for the retry), and its
    /// connection closes after the answer, like any answer before a body.
    @Test func anUploadIsRedirectedWithItsMethodKept() {
        guard case .respond(let response, true) = Self.decide("secure.example.com", "/upload", method: .POST) else {
            Issue.record("not redirected")
            return
        }
        #expect(response.status == .permanentRedirect)
    }

    @Test func responsesOverTLSCarryHSTSAndPlainOnesDoNot() {
        guard case .forward(_, _, let overTLS) = Self.decide("secure.example.com", "/", secure: true),
            case .forward(_, _, let plain) = Self.decide("plain.example.com", "/")
        else {
            Issue.record("not forwarded")
            return
        }
        let secureFields = overTLS.headPlan(kind: .ordinary, closeClient: false, clientVersion: .http1_1, status: .ok).fields
        // The upstream's `Server` is hidden (by default) before HSTS is set.
        #expect(secureFields.map(\.name) == ["Server", "Strict-Transport-Security"])
        #expect(secureFields.last?.value == "max-age=31536000; includeSubDomains")
        let streamFields = overTLS.headPlan(kind: .eventStream, closeClient: false, clientVersion: .http1_1, status: .ok).fields
        #expect(streamFields.map(\.name) == ["X-Accel-Buffering", "Server", "Strict-Transport-Security"])
        #expect(plain.headPlan(kind: .ordinary, closeClient: false, clientVersion: .http1_1, status: .ok).fields.map(\.name) == ["Server"])
    }

    @Test func hstsIsConfigurable() {
        #expect(StrictTransportSecurity(maxAgeSeconds: 600, includeSubdomains: false, preload: true).headerValue == "max-age=600; preload")
    }

    /// Behind a load balancer that terminated TLS (a trusted proxy saying
    /// `X-Forwarded-Proto: https`) the request is not redirected and gets HSTS; the same field from
    /// anyone else changes nothing.
    @Test func aTrustedProxysForwardedProtoCounts() {
        func decide(peer: String) -> RequestDecision {
            RequestDecision.decide(
                HTTPRequestHead(
                    version: .http1_1, method: .GET, uri: "/login",
                    headers: HTTPHeaders([("Host", "forced.example.com"), ("X-Forwarded-Proto", "https")])),
                table: Self.table, configuration: ProxyConfiguration(), secure: false,
                facts: ClientConnectionFacts(
                    clientIP: peer, localPort: 80, proto: "http", clientAddress: IPAddress(peer),
                    trustedProxies: [AddressRange("10.0.0.0/8")!]))
        }
        guard case .forward(_, _, let policy) = decide(peer: "10.1.1.1") else {
            Issue.record("redirected although the trusted proxy said https")
            return
        }
        #expect(policy.headPlan(kind: .ordinary, closeClient: false, clientVersion: .http1_1, status: .ok).fields.map(\.name) == ["Server", "Strict-Transport-Security"])
        guard case .respond(let redirect, _) = decide(peer: "192.0.2.5") else {
            Issue.record("an untrusted client's X-Forwarded-Proto was believed")
            return
        }
        #expect(redirect.location == "https://forced.example.com/login")
    }
}
