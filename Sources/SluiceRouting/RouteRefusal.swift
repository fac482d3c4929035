/// Translation's verdict that a route must not be served: every request it matches is answered
/// `503` with `reason`, and nothing reaches its backend (the route fails closed).
///
/// Set where an Ingress asks for a protection Sluice cannot give (an access-control annotation it
/// does not support): refusing is the safe side of not knowing who may get in.
public struct RouteRefusal: Hashable, Sendable {
    /// One line for the client's `503` body and the routing table's text form; names no secret.
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}
