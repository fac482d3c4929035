/// Per-route proxy behaviour, fully resolved (every default already applied by translation).
///
/// Timeouts for streams are idle timeouts: the longest silence allowed between two chunks, never
/// a limit on the total duration (that is `maxStreamDuration`, off by default).
public struct RoutePolicy: Hashable, Sendable {
    /// TCP connect to an upstream endpoint.
    public var connectTimeout: Duration
    /// Longest upstream silence for ordinary responses: before the response head and between
    /// body chunks.
    public var readTimeout: Duration
    /// Longest upstream silence once a response is a stream (event stream or upgraded tunnel).
    public var streamIdleTimeout: Duration
    /// Longest the upstream may stall accepting request bytes.
    public var sendTimeout: Duration
    /// Total cap on a stream's life; `nil` means none.
    public var maxStreamDuration: Duration?
    /// Request paths (element-wise prefixes, normalised like `PathMatch.prefix`) whose responses
    /// are event streams even without `Content-Type: text/event-stream`.
    public var eventStreamPaths: [String]
    /// Whether ordinary (non-stream) responses may be buffered (nginx `proxy_buffering on`): the
    /// proxy keeps reading the upstream while the client is slow, up to a bound per response
    /// (`ProxyConfiguration.maxBufferedResponseBytes`), so the upstream connection is freed early.
    /// Off, a slow client holds the upstream back through backpressure. Streams never are.
    public var buffering: Bool
    /// Whether ordinary responses may be compressed. Event streams never are.
    public var compression: Bool
    /// Plain HTTP to a host with a certificate of its own (`CertificateTable.hostCertificate`) is
    /// redirected to HTTPS with `308` (ingress-nginx's `ssl-redirect`, on by default).
    public var sslRedirect: Bool
    /// Plain HTTP is redirected to HTTPS even for a host without a certificate (Sluice behind a
    /// TLS-terminating load balancer: ingress-nginx's `force-ssl-redirect`).
    public var forceSSLRedirect: Bool
    /// Which client addresses may reach the route (`allowlist-source-range`,
    /// `denylist-source-range`); nil: any.
    public var sourceRanges: SourceRanges?
    /// How the backend is spoken to (`backend-protocol`); plain HTTP/1.1 by default.
    public var upstreamProtocol: UpstreamProtocol
    /// When set, the route is not served at all: each request gets a `503` saying why, and the
    /// backend is never contacted. Decided before any other field is consulted.
    public var refusal: RouteRefusal?
    /// Cross-origin resource sharing (`enable-cors`); nil: none (preflights reach the backend).
    public var cors: CORSPolicy?
    /// Fields set on every response (`response-headers`, `security-headers`), replacing the
    /// backend's of the same name.
    public var responseHeaders: [HeaderField]
    /// Fields set on every request sent to the backend (`request-headers`), replacing the
    /// client's of the same name.
    public var requestHeaders: [HeaderField]
    /// The largest request body accepted, in bytes (`proxy-body-size`; `413` beyond); 0: no
    /// limit; nil: the proxy's own (`ProxyConfiguration.maxRequestBodyBytes`).
    public var maxRequestBodyBytes: Int64?
    /// How much one client address may ask of the route (`limit-*`, `max-streams`); nil: no limit.
    public var clientLimits: ClientLimits?
    /// Asked before every request goes upstream (`auth-url`); nil: no external authentication.
    public var externalAuth: ExternalAuth?

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
        externalAuth: ExternalAuth? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.streamIdleTimeout = streamIdleTimeout
        self.sendTimeout = sendTimeout
        self.maxStreamDuration = maxStreamDuration
        self.eventStreamPaths = eventStreamPaths
        self.buffering = buffering
        self.compression = compression
        self.sslRedirect = sslRedirect
        self.forceSSLRedirect = forceSSLRedirect
        self.sourceRanges = sourceRanges
        self.upstreamProtocol = upstreamProtocol
        self.refusal = refusal
        self.cors = cors
        self.responseHeaders = responseHeaders
        self.requestHeaders = requestHeaders
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.clientLimits = clientLimits
        self.externalAuth = externalAuth
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
}
