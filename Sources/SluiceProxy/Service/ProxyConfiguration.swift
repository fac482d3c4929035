import SluiceRouting

/// Settings of the streaming reverse proxy that do not come from the routing table.
///
/// Per-route timeouts (connect, read, stream idle, max stream duration) live in `RoutePolicy`;
/// these are the connection-level limits of the client and upstream sides. The defaults favour
/// long-lived streams: every timeout here is an idle timeout, none caps a response's duration.
public struct ProxyConfiguration: Sendable {
    /// Longest a client may take to send a complete request head, counted from accepting the
    /// connection (slowloris protection). When it expires the client gets `408` and is closed.
    public var clientHeaderTimeout: Duration
    /// Longest a keep-alive client connection may stay idle between a response's end and the
    /// next request head before it is closed silently.
    public var keepAliveIdleTimeout: Duration
    /// Longest a client may go without sending any of an unfinished request body (nginx's
    /// `client_body_timeout`): `408` and closed before the response starts, closed after. Time
    /// during which the proxy itself holds the client's reads (upstream not ready or not taking
    /// the body) does not count.
    public var clientBodyTimeout: Duration
    /// Longest a client may go without taking any response bytes while the proxy holds a full
    /// buffer for it (nginx's `send_timeout`): the connection is closed, and the upstream's with
    /// it, so a client that stopped reading does not hold an upstream connection forever.
    public var clientSendTimeout: Duration
    /// After a response that closes the connection while the client is still sending its request
    /// body (an early `413`), the proxy reads and drops what the client sends for up to this long
    /// between reads before closing (nginx's `lingering_timeout`). Closing with unread bytes
    /// makes the kernel send a reset, which can destroy the response before the client reads it.
    public var lingeringTimeout: Duration
    /// The longest such a lingering close lasts in all (nginx's `lingering_time`).
    public var lingeringTime: Duration
    /// Where each request's access log line goes (`AccessLogEntry`); nil: no access log.
    public var accessLog: AccessLog?
    /// Largest request head (request line and all header fields) accepted; larger ones get `431`.
    public var maxHeaderBytes: Int
    /// Forward request fields whose names hold `_`. Off by default, as in nginx and
    /// ingress-nginx (`enable-underscores-in-headers`): CGI and WSGI servers read `X_Real_IP`
    /// and `X-Real-IP` as one variable, so a client could stand in for the proxy's own fields.
    public var forwardsUnderscoredHeaderNames: Bool
    /// Most idle keep-alive connections kept per upstream endpoint (per event loop).
    public var upstreamMaxIdlePerEndpoint: Int
    /// How long an idle upstream connection stays in the pool before it is closed.
    public var upstreamIdleTimeout: Duration
    /// Whether a failed attempt may go to another endpoint at all; when it does is each route's
    /// `RetryPolicy` (`RetryDecision`).
    public var retriesFailedAttempts: Bool
    /// Outbound buffer of a client connection at which the proxy stops reading from the upstream
    /// (and, for uploads, of an upstream connection at which it stops reading from the client).
    public var writeBufferHighWaterMark: Int
    /// Outbound buffer level at which reading from the other side resumes.
    public var writeBufferLowWaterMark: Int
    /// Value of `X-Forwarded-Proto` sent upstream (`http` for this plaintext listener).
    public var forwardedProto: String
    /// For routes with `RoutePolicy.buffering`: how many bytes of an ordinary response the proxy
    /// reads ahead of a slow client (beyond the write buffer high water mark), so the upstream
    /// connection is released early. Streams are never read ahead.
    public var maxBufferedResponseBytes: Int
    /// Most streams an HTTP/2 client may have open at once on one connection
    /// (`SETTINGS_MAX_CONCURRENT_STREAMS`; nginx's `http2_max_concurrent_streams`).
    public var http2MaxConcurrentStreams: Int
    /// Offer HTTP/2 over TLS (ALPN `h2`, preferred to `http/1.1`), as ingress-nginx does by
    /// default (`use-http2`).
    public var http2: Bool
    /// Serve HTTP/2 with prior knowledge (`h2c`) on the plain listener too: a connection that
    /// opens with HTTP/2's preface speaks HTTP/2, any other HTTP/1.1 (`--enable-h2c`; off by
    /// default, as in nginx, where one port cannot serve both).
    public var h2c: Bool
    /// `Strict-Transport-Security` on responses over TLS; nil: none.
    public var strictTransportSecurity: StrictTransportSecurity? {
        didSet { composeResponseFields() }
    }
    /// The port a redirect to HTTPS names (`--https-redirect-port`): the port clients reach the
    /// HTTPS listener on from outside (443, left out of the URL, unless a load balancer maps
    /// another).
    public var httpsRedirectPort: Int
    /// Proxies in front of Sluice (`--trusted-proxy-cidrs`): from these peers `X-Forwarded-For`
    /// names the client (for allow lists, `X-Real-IP` and the chain sent upstream) and
    /// `X-Forwarded-Proto` is kept; from any other peer both are replaced. Empty: none.
    public var trustedProxies: [AddressRange]
    /// Every connection starts with a PROXY protocol header (v1 or v2, `--proxy-protocol`) naming
    /// the client, as cloud load balancers send when told to; one without it is closed.
    public var proxyProtocol: Bool
    /// The largest request body a route without `proxy-body-size` accepts; 0: no limit. Beyond it
    /// the client gets `413`. `sluice` sets it from `--proxy-body-size`, 1 MiB by default as
    /// ingress-nginx's; the library's default is none, so that an embedder (or a test uploading
    /// its megabytes) opts in.
    public var maxRequestBodyBytes: Int64
    /// Upstream response fields never passed to clients (nginx's `proxy_hide_header`, the
    /// `hide-headers` of ingress-nginx's ConfigMap): by default `Server`, as nginx hides the
    /// upstream's (it sends its own, without a version since ingress-nginx's `server-tokens`
    /// is off; Sluice sends none). `--hide-headers` adds names; `--pass-server-header` keeps
    /// the upstream's `Server`.
    public var hiddenResponseFields: [String] {
        didSet { composeResponseFields() }
    }
    /// How many basic-auth password checks each event loop lets wait for or run on the thread
    /// pool at once (a bcrypt hash is milliseconds of CPU; anyone who knows a user name could
    /// queue them); a request beyond it gets `503` with `Retry-After`, never a pass.
    public var maxPasswordChecksInFlight: Int
    /// The fields every response over plain HTTP gets from the configuration (the hidden ones),
    /// and over TLS (those and HSTS): composed once, so that a request copies a reference.
    private(set) var plainResponseFields: [ResponseField] = []
    private(set) var secureResponseFields: [ResponseField] = []

    public init(
        clientHeaderTimeout: Duration = .seconds(60),
        keepAliveIdleTimeout: Duration = .seconds(75),
        clientBodyTimeout: Duration = .seconds(60),
        clientSendTimeout: Duration = .seconds(60),
        lingeringTimeout: Duration = .seconds(5),
        lingeringTime: Duration = .seconds(30),
        accessLog: AccessLog? = nil,
        maxHeaderBytes: Int = 32 * 1024,
        forwardsUnderscoredHeaderNames: Bool = false,
        upstreamMaxIdlePerEndpoint: Int = 64,
        upstreamIdleTimeout: Duration = .seconds(60),
        retriesFailedAttempts: Bool = true,
        writeBufferHighWaterMark: Int = 256 * 1024,
        writeBufferLowWaterMark: Int = 32 * 1024,
        forwardedProto: String = "http",
        maxBufferedResponseBytes: Int = 1024 * 1024,
        http2MaxConcurrentStreams: Int = 128,
        http2: Bool = true,
        h2c: Bool = false,
        strictTransportSecurity: StrictTransportSecurity? = StrictTransportSecurity(),
        httpsRedirectPort: Int = 443,
        trustedProxies: [AddressRange] = [],
        proxyProtocol: Bool = false,
        maxRequestBodyBytes: Int64 = 0,
        hiddenResponseFields: [String] = ["Server"],
        maxPasswordChecksInFlight: Int = 64
    ) {
        self.maxPasswordChecksInFlight = maxPasswordChecksInFlight
        self.clientHeaderTimeout = clientHeaderTimeout
        self.keepAliveIdleTimeout = keepAliveIdleTimeout
        self.clientBodyTimeout = clientBodyTimeout
        self.clientSendTimeout = clientSendTimeout
        self.lingeringTimeout = lingeringTimeout
        self.lingeringTime = lingeringTime
        self.accessLog = accessLog
        self.maxHeaderBytes = maxHeaderBytes
        self.forwardsUnderscoredHeaderNames = forwardsUnderscoredHeaderNames
        self.upstreamMaxIdlePerEndpoint = upstreamMaxIdlePerEndpoint
        self.upstreamIdleTimeout = upstreamIdleTimeout
        self.retriesFailedAttempts = retriesFailedAttempts
        self.writeBufferHighWaterMark = writeBufferHighWaterMark
        self.writeBufferLowWaterMark = writeBufferLowWaterMark
        self.forwardedProto = forwardedProto
        self.maxBufferedResponseBytes = maxBufferedResponseBytes
        self.http2MaxConcurrentStreams = http2MaxConcurrentStreams
        self.http2 = http2
        self.h2c = h2c
        self.strictTransportSecurity = strictTransportSecurity
        self.httpsRedirectPort = httpsRedirectPort
        self.trustedProxies = trustedProxies
        self.proxyProtocol = proxyProtocol
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.hiddenResponseFields = hiddenResponseFields
        composeResponseFields()
    }

    private mutating func composeResponseFields() {
        plainResponseFields = hiddenResponseFields.map(ResponseField.init(hiding:))
        secureResponseFields = plainResponseFields + (strictTransportSecurity?.fields ?? [])
    }

    /// The defaults documented on each field.
    public static let `default` = ProxyConfiguration()
}
