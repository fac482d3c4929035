import NIOHTTP1
import SluiceRouting

/// What the proxy does with one request, decided from its head and the routing table alone:
/// the one place a request policy is decided. Pure (`RequestDecisionTests` drive it as a table);
/// the client connection handler performs the result.
///
/// A policy that must ask elsewhere before forwarding (external authentication) will be one more
/// case here, performed by the handler like the others.
enum RequestDecision: Equatable {
    /// Proxy the request, `head` in origin form, to `route`'s backend under `policy`.
    case forward(head: HTTPRequestHead, route: Route, policy: ExchangePolicy)
    /// The request itself is bad: answered at once, and the connection closes after the answer
    /// (what follows on it cannot be trusted).
    case reject(ProxyErrorResponse)
    /// A well-formed request nothing serves (no route, no endpoints, or a route that fails
    /// closed). Without a body it is answered when its end arrives and the connection stays open;
    /// with one, at once, and the connection closes after it.
    case refuse(ProxyErrorResponse, requestHasBody: Bool)
    /// A request the proxy answers itself (a redirect to HTTPS), like a refusal: without a body
    /// when its end arrives, with one at once and the connection closes after it.
    case respond(ProxyErrorResponse, requestHasBody: Bool)

    /// Decides what to do with `received`, routed by `table`, under `configuration`; `secure`:
    /// it came over TLS; `facts`: the connection's client side (its address, whether it is a
    /// trusted proxy).
    /// `roll`: uniform in 0..<1, read only when a canary's weight decides (`CanaryDecision`).
    static func decide(
        _ received: HTTPRequestHead, table: RoutingTable, configuration: ProxyConfiguration, secure: Bool,
        facts: ClientConnectionFacts, roll: () -> Double = { Double.random(in: 0..<1) }
    ) -> RequestDecision {
        var matched: Route?
        return decide(received, table: table, configuration: configuration, secure: secure, facts: facts, matched: &matched, roll: roll)
    }

    /// ``decide(_:table:configuration:secure:facts:roll:)``, telling the caller the route the
    /// request matched (`matched`, nil when none did), so that a request refused or answered on
    /// a route's behalf counts under that route in the metrics.
    static func decide(
        _ received: HTTPRequestHead, table: RoutingTable, configuration: ProxyConfiguration, secure: Bool,
        facts: ClientConnectionFacts, matched: inout Route?, roll: () -> Double = { Double.random(in: 0..<1) }
    ) -> RequestDecision {
        if let rejection = RequestHeadValidator.validate(received, maxHeaderBytes: configuration.maxHeaderBytes) {
            return .reject(.rejected(rejection))
        }
        var head = RequestTarget.originForm(received)
        let path = UpstreamRequestHead.path(of: head.uri)
        guard let host = HostFieldValue.routingHost(Substring(head.headers.first(name: "host") ?? "")) else {
            return .reject(.rejected(RequestRejection(status: .badRequest, reason: "invalid Host header")))
        }
        guard var route = table.match(host: host, path: path) else {
            return .refuse(.noRoute(host: String(host), path: String(path)), requestHasBody: hasBody(received))
        }
        matched = route
        // Behind a trusted proxy that terminated TLS, its X-Forwarded-Proto says how the client came.
        let secure = secure || (facts.trustsForwarding && head.headers.first(name: "x-forwarded-proto") == "https")
        if !secure,
            let location = HTTPSRedirect.location(
                host: host, target: head.uri, path: path, route: route, table: table, port: configuration.httpsRedirectPort)
        {
            return .respond(.redirectToHTTPS(location), requestHasBody: hasBody(received))
        }
        if let refusal = route.policy.refusal {
            return .refuse(.routeRefused(refusal, source: route.source), requestHasBody: hasBody(received))
        }
        if let auth = route.policy.clientCertificate {
            switch ClientCertificateDecision.decide(head, auth: auth, facts: facts) {
            case .pass(let checked): head = checked
            case .refuse(let answer): return .refuse(answer, requestHasBody: hasBody(received))
            }
        }
        if let ranges = route.policy.sourceRanges, !ranges.permits(clientAddress(head, facts: facts)) {
            return .refuse(.addressNotAllowed, requestHasBody: hasBody(received))
        }
        if let redirect = route.policy.redirect,
            let (status, location) = redirect.answer(target: Substring(head.uri), path: path, host: host, secure: secure)
        {
            return .respond(.redirect(status: status, location: location), requestHasBody: hasBody(received))
        }
        if let cors = route.policy.cors, let answer = CORSDecision.preflightAnswer(head, policy: cors) {
            return .respond(answer, requestHasBody: hasBody(received))
        }
        if route.policy.upstreamProtocol.grpc, received.version.major < 2 {
            return .refuse(.grpcNeedsHTTP2(secure: secure), requestHasBody: hasBody(received))
        }
        let bodyLimit = RequestBodyLimit.bytes(route: route.policy, configuration: configuration)
        if RequestBodyLimit.declaredLengthExceeds(bodyLimit, head: received) {
            return .refuse(.payloadTooLarge, requestHasBody: true)
        }
        // A canary without endpoints takes nothing: its requests stay on the main backend.
        if let canary = route.canary, !canary.backend.endpoints.isEmpty,
            CanaryDecision.takes(head, rule: canary.rule, roll: roll)
        {
            route.backend = canary.backend
            route.source = canary.source
        }
        // The Ingress's `default-backend` answers for a backend without ready endpoints.
        if route.backend.endpoints.isEmpty, let fallback = route.defaultBackend, !fallback.endpoints.isEmpty {
            route.backend = fallback
        }
        guard !route.backend.endpoints.isEmpty else {
            return .refuse(.noEndpoints(backend: route.backend.name), requestHasBody: hasBody(received))
        }
        if let rewrite = route.policy.rewrite { head.uri = rewritten(head.uri, path: path, route: route.path, rewrite) }
        let policy = ExchangePolicy(
            route: route.policy, declaredEventStream: route.policy.declaresEventStream(path: path),
            clientCoding: route.policy.compression ? AcceptEncoding.preferred(in: head.headers["accept-encoding"]) : nil,
            responseFields: responseFields(head, route: route.policy, configuration: configuration, secure: secure),
            maxRequestBodyBytes: bodyLimit, errorPages: ErrorPageDecision.pages(route: route, table: table))
        return .forward(head: head, route: route, policy: policy)
    }

    /// The fields every response of the exchange gets: the hidden upstream fields and
    /// `Strict-Transport-Security` over TLS (`ProxyConfiguration`), the route's own (`responseHeaders`), and its CORS fields for this request's `Origin`. A route
    /// without any pays a nil check and an empty-array check.
    private static func responseFields(
        _ head: HTTPRequestHead, route: RoutePolicy, configuration: ProxyConfiguration, secure: Bool
    ) -> [ResponseField] {
        var fields = secure ? configuration.secureResponseFields : configuration.plainResponseFields
        if !route.responseHeaders.isEmpty {
            fields += route.responseHeaders.map { ResponseField(name: $0.name, value: $0.value) }
        }
        if let cors = route.cors { fields += CORSDecision.responseFields(head, policy: cors) }
        return fields
    }

    /// `target` with its path replaced by `rewrite`'s, from the groups `match` (the route's
    /// regular expression) captured in `path`; the query is kept (`PathRewrite.target`).
    static func rewritten(_ target: String, path: Substring, route match: PathMatch, _ rewrite: PathRewrite) -> String {
        let captures: [Substring?]
        if case .regex(let pattern) = match, let groups = pattern.captures(in: path) {
            captures = groups
        } else {
            captures = [path]
        }
        let query = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[target.index(after: $0)...] }
        return rewrite.target(captures: captures, query: query)
    }

    /// The client's address: the peer's, or behind a trusted proxy the one its
    /// `X-Forwarded-For` names (`RealClientAddress`).
    static func clientAddress(_ head: HTTPRequestHead, facts: ClientConnectionFacts) -> IPAddress? {
        guard facts.trustsForwarding else { return facts.clientAddress }
        let chain = head.headers["x-forwarded-for"].flatMap { $0.split(separator: ",").map { $0.trimmingSpaces() } }
        return RealClientAddress.resolve(peer: facts.clientAddress, chain: chain, trusted: facts.trustedProxies)
    }

    /// Whether a body follows the head (RFC 9112 §6.3): `Transfer-Encoding`, or a
    /// `Content-Length` other than 0.
    static func hasBody(_ head: HTTPRequestHead) -> Bool {
        head.headers.contains(name: "transfer-encoding")
            || head.headers["content-length"].contains { $0.trimmingSpaces() != "0" }
    }
}
