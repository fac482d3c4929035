import Foundation
import NIOHTTP1
import SluiceRouting

/// What a sticky session's `Set-Cookie` is made from for one request: written on the response
/// when the request got a new endpoint, and again on a retry with `session-cookie-change-on-failure`.
struct StickyCookie {
    let affinity: SessionAffinity
    let path: String
    let https: Bool

    /// The field giving the client `value`.
    func field(_ value: String) -> ResponseField {
        let now = affinity.expires == nil ? 0 : Int(Date().timeIntervalSince1970)
        return ResponseField(
            name: "Set-Cookie", value: StickySession.setCookie(value: value, affinity: affinity, path: path, https: https, now: now),
            combines: true)
    }
}

extension ProxyLoopContext {
    /// The endpoint of a request on a route with sticky sessions: the one its cookie names
    /// while it is among the backend's ready endpoints; otherwise the one `choose` (the route's
    /// balancer) picks, with a `Set-Cookie` naming it.
    func pickSticky(
        _ route: Route, affinity: SessionAffinity, head: HTTPRequestHead, https: Bool, choose: () -> EndpointPick?
    ) -> EndpointPick? {
        let endpoints = route.backend.endpoints
        guard !endpoints.isEmpty else { return nil }
        let cookie = RequestKey.cookie(affinity.cookieName, in: head.headers["cookie"]).flatMap { $0.isEmpty ? nil : $0 }
        let sticky = StickyCookie(affinity: affinity, path: StickySession.defaultPath(of: route.path), https: https)
        switch affinity.mode {
        case .persistent:
            let tokens = stickyTokens.tokens(for: route.backend, key: affinity.tokenKey, generation: routes.generation)
            if let cookie, let index = StickySession.persistentEndpoint(cookie: cookie, tokens: tokens) {
                return stayed(on: endpoints[index], route: route, sticky: sticky)
            }
            guard var pick = choose() else { return nil }
            pick.setCookie = sticky.field(tokens[endpoints.firstIndex(of: pick.endpoint) ?? 0])
            pick.sticky = sticky
            return pick
        case .balanced:
            if let cookie {
                return stayed(on: endpoints[StickySession.balancedEndpoint(cookie: cookie, endpoints: endpoints)], route: route, sticky: sticky)
            }
            guard var pick = choose() else { return nil }
            let target = endpoints.firstIndex(of: pick.endpoint) ?? 0
            let (key, landed) = StickySession.balancedKey(for: target, endpoints: endpoints, random: &requestIDs)
            if landed != target {
                pick.slot = balancer.slot(for: endpoints[landed], replacing: pick.slot, at: now.uptimeNanoseconds)
                pick.endpoint = endpoints[landed]
            }
            pick.setCookie = sticky.field(key)
            pick.sticky = sticky
            return pick
        }
    }

    /// A request that stays on its cookie's `endpoint`, counted as the route's balancing counts.
    private func stayed(on endpoint: Endpoint, route: Route, sticky: StickyCookie) -> EndpointPick {
        var pick = EndpointPick(endpoint: endpoint)
        pick.slot = balancer.slot(for: endpoint, balancing: route.policy.loadBalancing, at: now.uptimeNanoseconds)
        pick.sticky = sticky
        return pick
    }
}
