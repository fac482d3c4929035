import NIOHTTP1
import SluiceRouting

/// What a route's `CORSPolicy` does to one request, decided by `RequestDecision`:
///
/// - a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by the
///   proxy, `204`, and never reaches the backend: with the CORS fields when the origin is
///   allowed, without them otherwise (the browser then refuses the real request);
/// - any other request with an allowed `Origin` has its response (event streams included) carry
///   `Access-Control-Allow-Origin`, `-Allow-Credentials` and `-Expose-Headers`;
/// - an origin the list does not name gets no CORS field, never an error.
///
/// `*` is answered `*` and never with `Access-Control-Allow-Credentials` (the Fetch standard
/// refuses credentials with `*`; ingress-nginx sends both, which a browser treats the same).
/// A list is answered with the request's own origin, and every response says `Vary: Origin`
/// (combined with the backend's `Vary`), so that a cache keeps the answers apart.
enum CORSDecision {
    /// The preflight's answer, or nil when `head` is not a preflight.
    static func preflightAnswer(_ head: HTTPRequestHead, policy: CORSPolicy) -> ProxyErrorResponse? {
        guard head.method == .OPTIONS, let origin = head.headers.first(name: "origin"),
            head.headers.contains(name: "access-control-request-method")
        else { return nil }
        var fields = originFields(origin: origin, policy: policy)
        if fields.count > (policy.allowsAnyOrigin ? 0 : 1) {
            fields.append(ResponseField(name: "Access-Control-Allow-Methods", value: policy.allowMethods))
            fields.append(ResponseField(name: "Access-Control-Allow-Headers", value: policy.allowHeaders))
            fields.append(ResponseField(name: "Access-Control-Max-Age", value: String(policy.maxAgeSeconds)))
        }
        return .corsPreflight(fields: fields)
    }

    /// The fields a response to `head` gets (an actual request, not a preflight).
    static func responseFields(_ head: HTTPRequestHead, policy: CORSPolicy) -> [ResponseField] {
        guard let origin = head.headers.first(name: "origin") else {
            return policy.allowsAnyOrigin ? [] : [varyOrigin]
        }
        var fields = originFields(origin: origin, policy: policy)
        if fields.count > (policy.allowsAnyOrigin ? 0 : 1), !policy.exposeHeaders.isEmpty {
            fields.append(ResponseField(name: "Access-Control-Expose-Headers", value: policy.exposeHeaders))
        }
        return fields
    }

    static let varyOrigin = ResponseField(name: "Vary", value: "Origin", combines: true)

    /// `Vary: Origin` for a list; then, when the origin is allowed, `Access-Control-Allow-Origin`
    /// and `-Allow-Credentials`.
    private static func originFields(origin: String, policy: CORSPolicy) -> [ResponseField] {
        if policy.allowsAnyOrigin {
            return [ResponseField(name: "Access-Control-Allow-Origin", value: "*")]
        }
        guard policy.names(origin: Substring(origin)) else { return [varyOrigin] }
        var fields = [varyOrigin, ResponseField(name: "Access-Control-Allow-Origin", value: origin)]
        if policy.allowCredentials {
            fields.append(ResponseField(name: "Access-Control-Allow-Credentials", value: "true"))
        }
        return fields
    }
}
