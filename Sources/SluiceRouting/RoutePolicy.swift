/// Per-route proxy behaviour, fully resolved (every default already applied by translation).
///
/// Timeouts for streams are idle timeouts: the longest silence allowed between two chunks, never
/// a limit on the total duration (that is `maxStreamDuration`, off by default).
///
/// A copy-on-write value: the fields live in one immutable box, so copying a policy
/// (and the `Route`s and decisions that carry it, several times per request) copies one
/// reference instead of some 500 bytes and a dozen retained fields.
public struct RoutePolicy: Hashable, Sendable {
    private var storage: Storage

    /// TCP connect to an upstream endpoint.
    public var connectTimeout: Duration {
        get { storage.fields.connectTimeout }
        set { mutate { $0.connectTimeout = newValue } }
    }
    /// Longest upstream silence for ordinary responses: before the response head and between
    /// body chunks.
    public var readTimeout: Duration {
        get { storage.fields.readTimeout }
        set { mutate { $0.readTimeout = newValue } }
    }
    /// Longest upstream silence once a response is a stream (event stream or upgraded tunnel).
    public var streamIdleTimeout: Duration {
        get { storage.fields.streamIdleTimeout }
        set { mutate { $0.streamIdleTimeout = newValue } }
    }
    /// Longest the upstream may stall accepting request bytes.
    public var sendTimeout: Duration {
        get { storage.fields.sendTimeout }
        set { mutate { $0.sendTimeout = newValue } }
    }
    /// Total cap on a stream's life; `nil` means none.
    public var maxStreamDuration: Duration? {
        get { storage.fields.maxStreamDuration }
        set { mutate { $0.maxStreamDuration = newValue } }
    }
    /// Request paths (element-wise prefixes, normalised like `PathMatch.prefix`) whose responses
    /// are event streams even without `Content-Type: text/event-stream`.
    public var eventStreamPaths: [String] {
        get { storage.fields.eventStreamPaths }
        set { mutate { $0.eventStreamPaths = newValue } }
    }
    /// Whether ordinary (non-stream) responses may be buffered (nginx `proxy_buffering on`): the
    /// proxy keeps reading the upstream while the client is slow, up to a bound per response
    /// (`ProxyConfiguration.maxBufferedResponseBytes`), so the upstream connection is freed early.
    /// Off, a slow client holds the upstream back through backpressure. Streams never are.
    public var buffering: Bool {
        get { storage.fields.buffering }
        set { mutate { $0.buffering = newValue } }
    }
    /// Whether ordinary responses may be compressed. Event streams never are.
    public var compression: Bool {
        get { storage.fields.compression }
        set { mutate { $0.compression = newValue } }
    }
    /// Plain HTTP to a host with a certificate of its own (`CertificateTable.hostCertificate`) is
    /// redirected to HTTPS with `308` (ingress-nginx's `ssl-redirect`, on by default).
    public var sslRedirect: Bool {
        get { storage.fields.sslRedirect }
        set { mutate { $0.sslRedirect = newValue } }
    }
    /// Plain HTTP is redirected to HTTPS even for a host without a certificate (Sluice behind a
    /// TLS-terminating load balancer: ingress-nginx's `force-ssl-redirect`).
    public var forceSSLRedirect: Bool {
        get { storage.fields.forceSSLRedirect }
        set { mutate { $0.forceSSLRedirect = newValue } }
    }
    /// Which client addresses may reach the route (`allowlist-source-range`,
    /// `denylist-source-range`); nil: any.
    public var sourceRanges: SourceRanges? {
        get { storage.fields.sourceRanges }
        set { mutate { $0.sourceRanges = newValue } }
    }
    /// How the backend is spoken to (`backend-protocol`); plain HTTP/1.1 by default.
    public var upstreamProtocol: UpstreamProtocol {
        get { storage.fields.upstreamProtocol }
        set { mutate { $0.upstreamProtocol = newValue } }
    }
    /// When set, the route is not served at all: each request gets a `503` saying why, and the
    /// backend is never contacted. Decided before any other field is consulted.
    public var refusal: RouteRefusal? {
        get { storage.fields.refusal }
        set { mutate { $0.refusal = newValue } }
    }
    /// Cross-origin resource sharing (`enable-cors`); nil: none (preflights reach the backend).
    public var cors: CORSPolicy? {
        get { storage.fields.cors?.value }
        set { mutate { $0.cors = newValue.map(Boxed.init) } }
    }
    /// Fields set on every response (`response-headers`, `security-headers`), replacing the
    /// backend's of the same name.
    public var responseHeaders: [HeaderField] {
        get { storage.fields.responseHeaders }
        set { mutate { $0.responseHeaders = newValue } }
    }
    /// Fields set on every request sent to the backend, replacing the client's of the same name:
    /// `request-headers`, then `Host` from `upstream-vhost` and `X-Forwarded-Prefix` from
    /// `x-forwarded-prefix` (translation appends those two).
    public var requestHeaders: [HeaderField] {
        get { storage.fields.requestHeaders }
        set { mutate { $0.requestHeaders = newValue } }
    }
    /// The largest request body accepted, in bytes (`proxy-body-size`; `413` beyond); 0: no
    /// limit; nil: the proxy's own (`ProxyConfiguration.maxRequestBodyBytes`).
    public var maxRequestBodyBytes: Int64? {
        get { storage.fields.maxRequestBodyBytes }
        set { mutate { $0.maxRequestBodyBytes = newValue } }
    }
    /// How much one client address may ask of the route (`limit-*`, `max-streams`); nil: no limit.
    public var clientLimits: ClientLimits? {
        get { storage.fields.clientLimits?.value }
        set { mutate { $0.clientLimits = newValue.map(Boxed.init) } }
    }
    /// Asked before every request goes upstream (`auth-url`); nil: no external authentication.
    public var externalAuth: ExternalAuth? {
        get { storage.fields.externalAuth?.value }
        set { mutate { $0.externalAuth = newValue.map(Boxed.init) } }
    }
    /// Client certificates asked for on the route's host (`auth-tls-*`); nil: none.
    public var clientCertificate: ClientCertificateAuth? {
        get { storage.fields.clientCertificate?.value }
        set { mutate { $0.clientCertificate = newValue.map(Boxed.init) } }
    }
    /// Asked of every request before it goes upstream (`auth-type: basic`); nil: none.
    public var basicAuth: BasicAuth? {
        get { storage.fields.basicAuth?.value }
        set { mutate { $0.basicAuth = newValue.map(Boxed.init) } }
    }
    /// How each request's endpoint is chosen (`load-balance`, `upstream-hash-by`); round-robin
    /// by default, least streams for an Ingress with `sse-paths`.
    public var loadBalancing: LoadBalancing {
        get { storage.fields.loadBalancing }
        set { mutate { $0.loadBalancing = newValue } }
    }

    /// Requests the route answers with a redirect (`temporal-redirect`, `permanent-redirect`,
    /// `app-root`); nil: none.
    public var redirect: RouteRedirect? {
        get { storage.fields.redirect?.value }
        set { mutate { $0.redirect = newValue.map(Boxed.init) } }
    }

    /// Set on a canary Ingress's routes (`canary: "true"`): they are not routes of their own
    /// but take some requests of the main Ingress's route for the same host and path
    /// (`Route.canary`); nil: an ordinary Ingress.
    public var canary: CanaryRule? {
        get { storage.fields.canary?.value }
        set { mutate { $0.canary = newValue.map(Boxed.init) } }
    }
    /// Sticky sessions by cookie (`affinity: cookie`); nil: none. Applies before `loadBalancing`,
    /// which chooses the endpoint of a request without a (valid) cookie.
    public var sessionAffinity: SessionAffinity? {
        get { storage.fields.sessionAffinity?.value }
        set { mutate { $0.sessionAffinity = newValue.map(Boxed.init) } }
    }
    /// When a failed request goes to another endpoint (`proxy-next-upstream*`).
    public var retry: RetryPolicy {
        get { storage.fields.retry }
        set { mutate { $0.retry = newValue } }
    }
    /// Response statuses replaced by the error backend's answer (`custom-http-errors`); empty:
    /// none.
    public var customHTTPErrors: [Int] {
        get { storage.fields.customHTTPErrors }
        set { mutate { $0.customHTTPErrors = newValue } }
    }

    /// The path the backend is asked for (`rewrite-target`); nil: the client's.
    public var rewrite: PathRewrite? {
        get { storage.fields.rewrite }
        set { mutate { $0.rewrite = newValue } }
    }

    /// The Ingress asked for regular-expression paths (`use-regex`, or implied by
    /// `rewrite-target`): as in ingress-nginx, every path of its hosts is then matched as one
    /// (`PathMatch.regex`), whichever Ingress wrote it.
    public var regexPaths: Bool {
        get { storage.fields.regexPaths }
        set { mutate { $0.regexPaths = newValue } }
    }

    public init(
        connectTimeout: Duration = .seconds(5),
        readTimeout: Duration = .seconds(60),
        streamIdleTimeout: Duration = .seconds(3600),
        sendTimeout: Duration = .seconds(60),
        maxStreamDuration: Duration? = nil,
        eventStreamPaths: [String] = [],
        buffering: Bool = false,
        compression: Bool = false,
        sslRedirect: Bool = true,
        forceSSLRedirect: Bool = false,
        sourceRanges: SourceRanges? = nil,
        upstreamProtocol: UpstreamProtocol = .http,
        refusal: RouteRefusal? = nil,
        cors: CORSPolicy? = nil,
        responseHeaders: [HeaderField] = [],
        requestHeaders: [HeaderField] = [],
        maxRequestBodyBytes: Int64? = nil,
        clientLimits: ClientLimits? = nil,
        externalAuth: ExternalAuth? = nil,
        clientCertificate: ClientCertificateAuth? = nil,
        basicAuth: BasicAuth? = nil,
        redirect: RouteRedirect? = nil,
        loadBalancing: LoadBalancing = .roundRobin,
        canary: CanaryRule? = nil,
        sessionAffinity: SessionAffinity? = nil,
        retry: RetryPolicy = .default,
        customHTTPErrors: [Int] = [],
        rewrite: PathRewrite? = nil,
        regexPaths: Bool = false
    ) {
        storage = Storage(
            Fields(
                connectTimeout: connectTimeout,
                readTimeout: readTimeout,
                streamIdleTimeout: streamIdleTimeout,
                sendTimeout: sendTimeout,
                maxStreamDuration: maxStreamDuration,
                eventStreamPaths: eventStreamPaths,
                buffering: buffering,
                compression: compression,
                sslRedirect: sslRedirect,
                forceSSLRedirect: forceSSLRedirect,
                sourceRanges: sourceRanges,
                upstreamProtocol: upstreamProtocol,
                refusal: refusal,
                cors: cors.map(Boxed.init),
                responseHeaders: responseHeaders,
                requestHeaders: requestHeaders,
                maxRequestBodyBytes: maxRequestBodyBytes,
                clientLimits: clientLimits.map(Boxed.init),
                externalAuth: externalAuth.map(Boxed.init),
                clientCertificate: clientCertificate.map(Boxed.init),
                basicAuth: basicAuth.map(Boxed.init),
                redirect: redirect.map(Boxed.init),
                loadBalancing: loadBalancing,
                canary: canary.map(Boxed.init),
                sessionAffinity: sessionAffinity.map(Boxed.init),
                retry: retry,
                customHTTPErrors: customHTTPErrors,
                rewrite: rewrite,
                regexPaths: regexPaths))
    }

    /// The defaults DESIGN.md names: 5 s connect, 60 s read, 1 h stream idle, 60 s send.
    public static let `default` = RoutePolicy()

    /// Whether a request for `path` is declared an event stream by `eventStreamPaths`.
    public func declaresEventStream(path: Substring) -> Bool {
        for p in eventStreamPaths {
            var prefix = Substring(p)
            while prefix.utf8.last == UInt8(ascii: "/") { prefix = prefix.dropLast() }
            if PathMatch.isElementPrefix(prefix, of: path) { return true }
        }
        return false
    }

    public static func == (lhs: RoutePolicy, rhs: RoutePolicy) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    /// The same policy in a box of its own: an event loop's replica shares no reference count
    /// with another loop's (`RoutingTable.replica(forLoop:)`).
    var reboxed: RoutePolicy {
        var copy = self
        copy.storage = Storage(storage.fields)
        return copy
    }

    /// Whether both hold the very same box (for tests of replicas).
    func sharesStorage(with other: RoutePolicy) -> Bool { storage === other.storage }

    /// Setting a field boxes a changed copy: setters run in translation, never per request. A
    /// set that leaves ``default`` as it is keeps its box, so Ingresses without settings of
    /// their own all share it (10,000 boxes of about 1 KiB were 11 MiB of a large cluster's
    /// heap). Any other set boxes anew, even an equal value: a replica's setters give it buffers
    /// of its own that way.
    private mutating func mutate(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        if isSharedDefault, fields == storage.fields { return }
        storage = Storage(fields)
    }

    /// Whether this is ``default``'s very box (a policy no setting changed).
    var isSharedDefault: Bool { storage === Self.default.storage }

    /// The box's identity: policies with the same one are one policy (copies of one value).
    var identity: ObjectIdentifier { ObjectIdentifier(storage) }

    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The fields, with the large settings most routes leave unset boxed (a pointer each instead
    /// of up to 226 bytes inline): every route holds its policy's box once per event loop, and
    /// at 10,000 Ingresses the inline fields were about 17 MiB.
    private struct Fields: Hashable, Sendable {
        var connectTimeout: Duration
        var readTimeout: Duration
        var streamIdleTimeout: Duration
        var sendTimeout: Duration
        var maxStreamDuration: Duration?
        var eventStreamPaths: [String]
        var buffering: Bool
        var compression: Bool
        var sslRedirect: Bool
        var forceSSLRedirect: Bool
        var sourceRanges: SourceRanges?
        var upstreamProtocol: UpstreamProtocol
        var refusal: RouteRefusal?
        var cors: Boxed<CORSPolicy>?
        var responseHeaders: [HeaderField]
        var requestHeaders: [HeaderField]
        var maxRequestBodyBytes: Int64?
        var clientLimits: Boxed<ClientLimits>?
        var externalAuth: Boxed<ExternalAuth>?
        var clientCertificate: Boxed<ClientCertificateAuth>?
        var basicAuth: Boxed<BasicAuth>?
        var redirect: Boxed<RouteRedirect>?
        var loadBalancing: LoadBalancing
        var canary: Boxed<CanaryRule>?
        var sessionAffinity: Boxed<SessionAffinity>?
        var retry: RetryPolicy
        var customHTTPErrors: [Int]
        var rewrite: PathRewrite?
        var regexPaths: Bool
    }
}

/// A value behind a pointer, compared and hashed as the value (see `RoutePolicy`'s fields).
private final class Boxed<Value: Hashable & Sendable>: Hashable, Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }

    static func == (lhs: Boxed, rhs: Boxed) -> Bool { lhs === rhs || lhs.value == rhs.value }

    func hash(into hasher: inout Hasher) { value.hash(into: &hasher) }
}
