import KubeModels

/// One Ingress whose `status.loadBalancer.ingress` must change; an empty list clears it.
public struct StatusUpdate: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var addresses: [LoadBalancerIngress]

    public init(namespace: String, name: String, addresses: [LoadBalancerIngress]) {
        self.namespace = namespace
        self.name = name
        self.addresses = addresses
    }

    public var key: String { "\(namespace)/\(name)" }
}

/// What Ingress statuses should be, as pure functions of the cache.
public enum StatusComputation {
    /// The addresses to publish, sorted; nil when they are unknown (the publish Service is not
    /// in the cache yet), in which case nothing is written rather than clearing good addresses.
    public static func desiredAddresses(
        source: StatusAddressSource, publishService: Service?
    ) -> [LoadBalancerIngress]? {
        switch source {
        case .none:
            return nil
        case .addresses(let texts):
            return sorted(texts.map(loadBalancerIngress))
        case .service:
            guard let service = publishService else { return nil }
            let balancer = (service.status?.loadBalancer?.ingress ?? []).filter { $0.ip != nil || $0.hostname != nil }
            if !balancer.isEmpty { return sorted(balancer) }
            if let clusterIP = service.spec?.clusterIP, !clusterIP.isEmpty, clusterIP != "None" {
                return [LoadBalancerIngress(ip: clusterIP)]
            }
            return []
        }
    }

    /// The Ingresses whose status differs from what it should be: our Ingresses get `desired`;
    /// Ingresses that are no longer ours are cleared when they were ours before (`previouslyOwned`)
    /// or still carry exactly our addresses.
    public static func updates(
        ingresses: [Ingress], owned: Set<String>, previouslyOwned: Set<String>, desired: [LoadBalancerIngress]
    ) -> [StatusUpdate] {
        var updates: [StatusUpdate] = []
        for ingress in ingresses {
            let key = ingress.namespacedName
            let current = sorted(ingress.status?.loadBalancer?.ingress ?? [])
            let target: [LoadBalancerIngress]
            if owned.contains(key) {
                target = desired
            } else if !current.isEmpty && (previouslyOwned.contains(key) || (!desired.isEmpty && current == desired)) {
                target = []
            } else {
                continue
            }
            guard current != target else { continue }
            updates.append(
                StatusUpdate(
                    namespace: ingress.metadata.namespace ?? "", name: ingress.metadata.name ?? "", addresses: target))
        }
        return updates.sorted { $0.key < $1.key }
    }

    /// An IPv4/IPv6 literal becomes `ip`, anything else `hostname`.
    static func loadBalancerIngress(_ text: String) -> LoadBalancerIngress {
        isIPAddress(text) ? LoadBalancerIngress(ip: text) : LoadBalancerIngress(hostname: text)
    }

    static func isIPAddress(_ text: String) -> Bool {
        if text.contains(":") { return text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in UInt8(octet) != nil }
    }

    static func sorted(_ addresses: [LoadBalancerIngress]) -> [LoadBalancerIngress] {
        addresses.sorted { ($0.ip ?? "", $0.hostname ?? "") < ($1.ip ?? "", $1.hostname ?? "") }
    }
}
