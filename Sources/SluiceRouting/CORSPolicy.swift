/// A route's cross-origin resource sharing (ingress-nginx's `enable-cors` and `cors-*`), fully
/// resolved: the origins allowed and the field values preflights and responses get. The proxy
/// answers preflights itself and adds the fields to responses (`CORSDecision`).
public struct CORSPolicy: Hashable, Sendable {
    /// One entry of the allowed origins.
    public enum AllowedOrigin: Hashable, Sendable {
        /// `*`: every origin.
        case any
        /// One origin, `scheme://host[:port]` in lower case.
        case exact(String)
        /// `scheme://*.suffix[:port]`: any origin whose host is one more DNS label before
        /// `suffix` (as ingress-nginx's regular expression matches), with that scheme and port.
        case subdomain(scheme: String, suffix: String, port: String?)
    }

    public var allowedOrigins: [AllowedOrigin]
    /// `Access-Control-Allow-Methods` of a preflight's answer.
    public var allowMethods: String
    /// `Access-Control-Allow-Headers` of a preflight's answer.
    public var allowHeaders: String
    /// `Access-Control-Expose-Headers` of responses (none when empty).
    public var exposeHeaders: String
    /// `Access-Control-Allow-Credentials: true` is sent to an origin the list names. Never with
    /// `*`: the Fetch standard rejects a credentialed response that allows every origin.
    public var allowCredentials: Bool
    /// `Access-Control-Max-Age` of a preflight's answer.
    public var maxAgeSeconds: Int

    /// ingress-nginx's defaults.
    public init(
        allowedOrigins: [AllowedOrigin] = [.any],
        allowMethods: String = "GET, PUT, POST, DELETE, PATCH, OPTIONS",
        allowHeaders: String = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
        exposeHeaders: String = "",
        allowCredentials: Bool = true,
        maxAgeSeconds: Int = 1_728_000
    ) {
        self.allowedOrigins = allowedOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.allowCredentials = allowCredentials
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// `*` is among the allowed origins: any origin is answered `*`.
    public var allowsAnyOrigin: Bool { allowedOrigins.contains(.any) }

    /// Whether the list names `origin` (a request's `Origin` field), compared case-insensitively.
    public func names(origin: Substring) -> Bool {
        let origin = origin.lowercased()
        guard let (scheme, host, port) = Self.parts(of: Substring(origin)) else { return false }
        for allowed in allowedOrigins {
            switch allowed {
            case .any: return true
            case .exact(let text): if text == origin { return true }
            case .subdomain(let allowedScheme, let suffix, let allowedPort):
                guard scheme == allowedScheme, port.map(String.init) == allowedPort,
                    host.hasSuffix("." + suffix)
                else { continue }
                let label = host.dropLast(suffix.count + 1)
                if !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                    return true
                }
            }
        }
        return false
    }

    /// `scheme://host[:port]` split in three (nil without `://`); a bracketed IPv6 host keeps its
    /// brackets and colons.
    public static func parts(of origin: Substring) -> (scheme: Substring, host: Substring, port: Substring?)? {
        var rest = origin[...]
        var scheme: Substring?
        while let colon = rest.firstIndex(of: ":") {
            let after = origin[colon...]
            if after.hasPrefix("://") {
                scheme = origin[..<colon]
                rest = origin[origin.index(colon, offsetBy: 3)...]
                break
            }
            rest = origin[origin.index(after: colon)...]
        }
        guard let scheme else { return nil }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            return (scheme, rest[..<colon], rest[rest.index(after: colon)...])
        }
        return (scheme, rest, nil)
    }
}
