import NIOConcurrencyHelpers
import NIOSSL
import SluiceRouting

/// The data plane's TLS clients, one per distinct `UpstreamTLS` (and ALPN list), shared by every
/// event loop. Contexts are costly (a trust store: the system's, unless a CA is given), and the
/// server name is no part of one (it is each connection's): settings that differ only in name
/// share a context, so a cluster with an HTTPS Service per team holds one context per CA, not
/// one per Service. Looked up under a lock, so each loop keeps its own lookup in front
/// (``UpstreamTLSLookup``): a request takes no lock.
final class UpstreamTLSClients: Sendable {
    private struct Key: Hashable {
        var settings: UpstreamTLS
        var applicationProtocols: [String]
    }

    private struct ContextKey: Hashable {
        var verify: Bool
        var trustedCertificatesPEM: String?
        var applicationProtocols: [String]
    }

    private struct State {
        var clients: [Key: UpstreamTLSClient] = [:]
        var contexts: [ContextKey: Result<NIOSSLContext, UpstreamTLSFailure>] = [:]
        var lastID = 0
    }

    /// Settings no longer in any table stay until this many are held; then all are dropped (ids
    /// are never reused, so a pooled connection of a dropped client is never handed to a new one).
    private static let limit = 4096
    private let state = NIOLockedValueBox(State())

    /// The client for `settings`, made on first use.
    func client(for settings: UpstreamTLS, applicationProtocols: [String] = []) -> UpstreamTLSClient {
        let key = Key(settings: settings, applicationProtocols: applicationProtocols)
        return state.withLockedValue { state in
            if let client = state.clients[key] { return client }
            if state.clients.count >= Self.limit {
                state.clients.removeAll()
                state.contexts.removeAll()
            }
            let contextKey = ContextKey(
                verify: settings.verify, trustedCertificatesPEM: settings.trustedCertificatesPEM,
                applicationProtocols: applicationProtocols)
            let context = state.contexts[contextKey] ?? UpstreamTLSClient.makeContext(
                verify: settings.verify, trustedCertificatesPEM: settings.trustedCertificatesPEM,
                applicationProtocols: applicationProtocols)
            state.contexts[contextKey] = context
            state.lastID += 1
            let client = UpstreamTLSClient(id: state.lastID, settings: settings, context: context)
            state.clients[key] = client
            return client
        }
    }

    /// Client contexts made and kept (for tests).
    var contextCount: Int { state.withLockedValue { $0.contexts.count } }
}

/// One event loop's lookup of its routes' TLS clients, in front of the shared
/// ``UpstreamTLSClients``. Hashes only the cheap parts of a setting (the name, the verify flag
/// and the trusted PEM's length), never the PEM itself: equality settles the rest, and the PEM of
/// one route of the loop's table replica compares equal to itself by identity.
struct UpstreamTLSLookup {
    private struct Key: Hashable {
        var settings: UpstreamTLS
        var version: UpstreamProtocol.Version

        func hash(into hasher: inout Hasher) {
            hasher.combine(version)
            hasher.combine(settings.serverName)
            hasher.combine(settings.verify)
            hasher.combine(settings.trustedCertificatesPEM?.utf8.count)
        }
    }

    private let shared: UpstreamTLSClients
    private var clients: [Key: UpstreamTLSClient] = [:]

    init(shared: UpstreamTLSClients) {
        self.shared = shared
    }

    /// The TLS client of a route speaking `upstream`; nil: plain TCP. An HTTP/2 route's offers
    /// `h2` by ALPN (`GRPCS`).
    mutating func client(for upstream: UpstreamProtocol) -> UpstreamTLSClient? {
        guard let settings = upstream.tls else { return nil }
        let key = Key(settings: settings, version: upstream.version)
        if let client = clients[key] { return client }
        if clients.count >= 4096 { clients.removeAll() }
        let client = shared.client(for: settings, applicationProtocols: upstream.version == .http2 ? ["h2"] : [])
        clients[key] = client
        return client
    }
}
