import NIOCore
import NIOHTTP1
import SluiceRouting

/// The per-client limits of a route a request was decided for (`ClientLimits`), asked of the
/// replica's `ClientLimiter` once `RequestDecision` forwards it (a refused request takes no
/// token). Both client codecs call this; a route without limits pays one nil check.
extension ClientLimiter {
    enum RequestAdmission {
        /// Go on, holding `slot` (nil: nothing to hold) until the exchange, or the tunnel it
        /// becomes, ends.
        case admitted(ClientLimitSlot?)
        /// Answer this (`503` with `Retry-After`).
        case refused(ProxyErrorResponse)
    }

    func admit(_ head: HTTPRequestHead, route: Route, facts: ClientConnectionFacts, now: NIODeadline) -> RequestAdmission {
        guard let limits = route.policy.clientLimits else { return .admitted(nil) }
        let address = RequestDecision.clientAddress(head, facts: facts)
        if limits.exempts(address) { return .admitted(nil) }
        switch admit(Key(ingress: route.source, address: address), limits: limits, now: now.uptimeNanoseconds) {
        case .admitted(let slot): return .admitted(slot)
        case .refused(let retryAfter): return .refused(.clientLimited(retryAfter: retryAfter))
        }
    }
}
