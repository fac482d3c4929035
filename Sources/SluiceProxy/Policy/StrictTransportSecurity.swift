/// The `Strict-Transport-Security` field of responses over TLS (never over plain HTTP, where a
/// browser ignores it anyway): ingress-nginx's defaults, a year with subdomains and no preload.
/// Its field is made once, when the configuration is.
public struct StrictTransportSecurity: Hashable, Sendable {
    public let maxAgeSeconds: Int
    public let includeSubdomains: Bool
    public let preload: Bool
    /// The fields a response over TLS gets (one element; an array so that a plan takes it as it is).
    let fields: [ResponseField]

    public init(maxAgeSeconds: Int = 31_536_000, includeSubdomains: Bool = true, preload: Bool = false) {
        self.maxAgeSeconds = maxAgeSeconds
        self.includeSubdomains = includeSubdomains
        self.preload = preload
        var value = "max-age=\(maxAgeSeconds)"
        if includeSubdomains { value += "; includeSubDomains" }
        if preload { value += "; preload" }
        self.fields = [ResponseField(name: "Strict-Transport-Security", value: value)]
    }

    public var headerValue: String { fields[0].value }
}
