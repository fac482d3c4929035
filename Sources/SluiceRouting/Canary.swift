/// Which requests of a route a canary takes (ingress-nginx's `canary-by-header`,
/// `canary-by-header-value`, `canary-by-cookie`, `canary-weight`, `canary-weight-total`), read
/// from the canary Ingress. Decided per request in ingress-nginx's order: the header, then the
/// cookie, then the weight.
public struct CanaryRule: Hashable, Sendable {
    /// A request with this field goes to the canary when its value is `always` (or equals
    /// `headerValue` when that is set) and to the main backend when it is `never`.
    public var header: String?
    public var headerValue: String?
    /// A request with this cookie goes to the canary when its value is `always`, to the main
    /// backend when it is `never`.
    public var cookie: String?
    /// The share of the other requests the canary takes: `weight` out of `weightTotal`.
    public var weight: Int
    public var weightTotal: Int

    public init(header: String? = nil, headerValue: String? = nil, cookie: String? = nil, weight: Int = 0, weightTotal: Int = 100) {
        self.header = header
        self.headerValue = headerValue
        self.cookie = cookie
        self.weight = weight
        self.weightTotal = weightTotal
    }
}

/// A route's canary: the backend some of its requests go to instead (`CanaryRule`), from a second
/// Ingress for the same host and path. Immutable and shared, so that a route without one pays
/// nothing and a route with one copies a reference.
public final class RouteCanary: Hashable, Sendable {
    public let backend: Backend
    public let rule: CanaryRule
    /// `namespace/name` of the canary Ingress.
    public let source: String

    public init(backend: Backend, rule: CanaryRule, source: String) {
        self.backend = backend
        self.rule = rule
        self.source = source
    }

    public static func == (lhs: RouteCanary, rhs: RouteCanary) -> Bool {
        lhs === rhs || (lhs.backend == rhs.backend && lhs.rule == rhs.rule && lhs.source == rhs.source)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(backend)
        hasher.combine(rule)
        hasher.combine(source)
    }
}
