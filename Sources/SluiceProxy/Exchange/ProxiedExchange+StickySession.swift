import SluiceRouting

/// Sticky sessions' part in an exchange: the `Set-Cookie` of a request that got a new endpoint,
/// and, with `session-cookie-change-on-failure`, a new one naming the endpoint a failed connect
/// was retried on.
extension ProxiedExchange {
    /// Takes the sticky cookie of the endpoint `pick` chose.
    func adoptSticky(_ pick: EndpointPick) {
        if let setCookie = pick.setCookie { policy.affinityResponseFields = [setCookie] }
        if let sticky = pick.sticky, sticky.affinity.changeOnFailure { stickyOnFailure = sticky }
    }

    /// The session moves to `endpoint`, where the request is retried.
    func movedSticky(_ sticky: StickyCookie, to endpoint: Endpoint) {
        let endpoints = backend.endpoints
        guard let target = endpoints.firstIndex(of: endpoint) else { return }
        let value: String
        switch sticky.affinity.mode {
        case .persistent:
            value = StickySession.token(for: endpoint, key: sticky.affinity.tokenKey)
        case .balanced:
            // A key that lands elsewhere (about e⁻¹⁶) is not given: the client keeps its old one.
            let (key, landed) = StickySession.balancedKey(for: target, endpoints: endpoints, random: &client.loop.requestIDs)
            guard landed == target else { return }
            value = key
        }
        policy.affinityResponseFields = [sticky.field(value)]
    }
}
