import Foundation
import KubeModels

/// Where the addresses written to `status.loadBalancer.ingress` of our Ingresses come from.
public enum StatusAddressSource: Sendable, Hashable {
    /// No status is written (neither `--publish-service` nor `--publish-status-address`).
    case none
    /// `--publish-service NS/NAME`: the controller's own Service.
    case service(namespace: String, name: String)
    /// `--publish-status-address`: fixed IPs or hostnames.
    case addresses([String])

    /// Parses `NS/NAME`; nil when it is not of that shape.
    public static func service(_ text: String) -> StatusAddressSource? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return .service(namespace: String(parts[0]), name: String(parts[1]))
    }

    /// Parses a comma-separated list of IPs and hostnames.
    public static func addresses(commaSeparated text: String) -> StatusAddressSource {
        .addresses(
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// `namespace/name` of the publish Service, if that is the source.
    public var serviceKey: String? {
        if case .service(let namespace, let name) = self { return "\(namespace)/\(name)" }
        return nil
    }
}
