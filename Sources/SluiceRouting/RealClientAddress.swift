/// Who the client is when the connection comes from a trusted proxy (a load balancer in front of
/// Sluice): nginx's `real_ip_header X-Forwarded-For` with `real_ip_recursive on`. The chain is
/// read from the right (the nearest hop first); addresses of trusted proxies are skipped; the
/// first other one is the client. When every one is trusted, the leftmost is. An element that is
/// not an address ends the walk there: nothing left of it can be believed.
public enum RealClientAddress {
    /// The index in `chain` (the `X-Forwarded-For` elements, leftmost first) of the client, or nil
    /// for an empty chain. Only for a connection whose peer is in `trusted`.
    public static func index(in chain: [Substring], trusted: [AddressRange]) -> Int? {
        var index = chain.count - 1
        while index >= 0 {
            guard let address = IPAddress(String(chain[index])), trusted.contains(where: { $0.contains(address) }) else {
                return index
            }
            index -= 1
        }
        return chain.isEmpty ? nil : 0
    }

    /// The client the chain names, as the chain spells it, if it is an address (for `X-Real-IP`;
    /// nil: keep the peer's).
    public static func text(in chain: [Substring], trusted: [AddressRange]) -> String? {
        guard let index = index(in: chain, trusted: trusted), IPAddress(String(chain[index])) != nil else { return nil }
        return String(chain[index])
    }

    /// The client's address: the chain's client when `peer` is trusted, else the peer.
    public static func resolve(peer: IPAddress?, chain: [Substring], trusted: [AddressRange]) -> IPAddress? {
        guard let peer, !trusted.isEmpty, trusted.contains(where: { $0.contains(peer) }),
            let index = index(in: chain, trusted: trusted)
        else { return peer }
        return IPAddress(String(chain[index]))
    }
}
