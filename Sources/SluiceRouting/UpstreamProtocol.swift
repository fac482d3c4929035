/// How the proxy speaks to a route's backend (`sluice.io/backend-protocol`, ingress-nginx's
/// `backend-protocol`): HTTP/1.1 or HTTP/2, in the clear or over TLS, and whether requests are
/// gRPC (whose failures are answered in gRPC's terms, not with an HTML page).
///
/// | annotation | `version` | `tls` | `grpc` |
/// |---|---|---|---|
/// | `HTTP` (default) | `.http1` | nil | false |
/// | `HTTPS` | `.http1` | set | false |
/// | `H2C` | `.http2` | nil | false |
/// | `GRPC` | `.http2` | nil | true |
/// | `GRPCS` | `.http2` | set | true |
public struct UpstreamProtocol: Hashable, Sendable {
    /// The HTTP version spoken to the backend.
    public enum Version: Hashable, Sendable {
        /// HTTP/1.1, one request at a time per pooled connection.
        case http1
        /// HTTP/2 with prior knowledge (`h2c`, or `h2` by ALPN over TLS): many streams on one
        /// connection per endpoint.
        case http2
    }

    public var version: Version
    /// TLS to the backend; nil: plain TCP.
    public var tls: UpstreamTLS?
    /// Requests are gRPC: a failure before the upstream answers is a trailers-only gRPC response.
    public var grpc: Bool

    public init(version: Version = .http1, tls: UpstreamTLS? = nil, grpc: Bool = false) {
        self.version = version
        self.tls = tls
        self.grpc = grpc
    }

    /// Plain HTTP/1.1: the default.
    public static let http = UpstreamProtocol()
}

/// TLS to a backend (ingress-nginx's `proxy-ssl-*`): whose name is sent and whether, and against
/// what, the backend's certificate is verified.
public struct UpstreamTLS: Hashable, Sendable {
    /// The SNI sent, and with `verify` the name the certificate must carry
    /// (`sluice.io/proxy-ssl-name`; translation's default is the Service's
    /// `<service>.<namespace>.svc`). An IP address is never sent as SNI: then, as with nil, a
    /// verified certificate must name the endpoint's address among its IP addresses.
    public var serverName: String?
    /// Whether the backend's certificate is verified (`proxy-ssl-verify`; off by default, as in
    /// nginx). A certificate that fails verification fails the attempt (`502`).
    public var verify: Bool
    /// PEM certificates trusted to sign the backend's (`proxy-ssl-secret`'s `ca.crt`); nil: the
    /// system's trust roots.
    public var trustedCertificatesPEM: String?

    public init(serverName: String? = nil, verify: Bool = false, trustedCertificatesPEM: String? = nil) {
        self.serverName = serverName
        self.verify = verify
        self.trustedCertificatesPEM = trustedCertificatesPEM
    }
}
