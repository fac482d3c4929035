/// What one probe asks for: the request, how to connect, and how long to wait. A pure value the
/// command builds from its options; the same request is sent to the `--compare` URL.
public struct ProbeRequest: Sendable, Hashable {
    public var url: String
    /// `GET`, or `POST` when there is a body.
    public var method: String { body == nil ? "GET" : "POST" }
    /// `Name: value` lines, sent as given (one replaces the probe's default of the same name).
    public var headers: [String]
    public var body: [UInt8]?
    public var httpVersion: ProbeHTTPVersion
    public var tls: ProbeTLSOptions
    /// Follow redirects (`--location`); otherwise a 3xx is the response probed.
    public var followRedirects: Bool
    /// `HOST:PORT:ADDRESS` entries: connect to ADDRESS for HOST:PORT (curl's `--resolve`).
    public var resolve: [String]
    public var limits: ProbeLimits

    public init(
        url: String,
        headers: [String] = [],
        body: [UInt8]? = nil,
        httpVersion: ProbeHTTPVersion = .automatic,
        tls: ProbeTLSOptions = ProbeTLSOptions(),
        followRedirects: Bool = false,
        resolve: [String] = [],
        limits: ProbeLimits = ProbeLimits()
    ) {
        self.url = url
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
        self.tls = tls
        self.followRedirects = followRedirects
        self.resolve = resolve
        self.limits = limits
    }

    /// The same request to another URL (`--compare`).
    public func to(_ url: String) -> ProbeRequest {
        var copy = self
        copy.url = url
        return copy
    }
}

/// Which HTTP version the probe speaks.
public enum ProbeHTTPVersion: String, Sendable, Hashable {
    /// HTTP/1.1 over plain TCP; over TLS, HTTP/2 when ALPN picks `h2`, else HTTP/1.1 (curl's default).
    case automatic
    /// HTTP/1.1 only, also over TLS.
    case http1_1
    /// HTTP/2: over TLS through ALPN, over plain TCP with prior knowledge (h2c).
    case http2
}

/// How the server's certificate is verified.
public struct ProbeTLSOptions: Sendable, Hashable {
    /// A PEM file of the CAs to trust instead of the system's (`--cacert`).
    public var caFile: String?
    /// Skip verification (`--insecure`).
    public var insecure: Bool

    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }
}

/// The probe's time limits, so that it never hangs.
public struct ProbeLimits: Sendable, Hashable {
    /// TCP connect and TLS handshake (`--connect-timeout`).
    public var connect: Duration
    /// The longest silence: before the first response byte, and between two pieces of the
    /// response (`--timeout`). Before the response it is an error; after, the probe stops and
    /// judges what arrived.
    public var idle: Duration
    /// The whole probe (`--max-time`): an endless stream is cut here and judged on what arrived.
    public var total: Duration

    public init(connect: Duration = .seconds(10), idle: Duration = .seconds(30), total: Duration = .seconds(60)) {
        self.connect = connect
        self.idle = idle
        self.total = total
    }
}
