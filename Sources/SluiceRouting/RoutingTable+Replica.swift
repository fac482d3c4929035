import Synchronization

/// Copies that share no storage with the original.
///
/// A Swift value copy shares its strings' and arrays' buffers, and every copy of a route bumps
/// their reference counts with atomic instructions. When two event loops on two cores route
/// requests with one table, those counters live on cache lines both cores write, and each
/// request pays for moving them between cores. Each event loop routes with its own replica
/// instead, so everything a request touches belongs to its own core. Equal to the original.
extension Route {
    func replica() -> Route {
        replica(policy: policy.replica())
    }

    /// The replica for event loop `index`, its policy shared as ``RoutePolicy/replica(forLoop:made:)`` says.
    func replica(forLoop index: Int, policies made: inout [ObjectIdentifier: RoutePolicy]) -> Route {
        replica(policy: policy.replica(forLoop: index, made: &made))
    }

    private func replica(policy: RoutePolicy) -> Route {
        Route(host: host.replica(), path: path.replica(), backend: backend.replica(), policy: policy,
              source: source.replica(),
              canary: canary.map { RouteCanary(backend: $0.backend.replica(), rule: $0.rule, source: $0.source.replica()) },
              defaultBackend: defaultBackend?.replica())
    }
}

extension HostMatch {
    func replica() -> HostMatch {
        switch self {
        case .exact(let host): return .exact(host.replica())
        case .wildcard(let suffix): return .wildcard(suffix: suffix.replica())
        case .any: return .any
        }
    }
}

extension PathMatch {
    func replica() -> PathMatch {
        switch self {
        case .exact(let path): return .exact(path.replica())
        case .prefix(let path): return .prefix(path.replica())
        case .regex(let pattern): return .regex(pattern.replica())
        }
    }
}

extension Backend {
    func replica() -> Backend {
        Backend(name: name.replica(), endpoints: endpoints.map { Endpoint(host: $0.host.replica(), port: $0.port) })
    }
}

extension RoutePolicy {
    /// ``default``'s replica for each event loop, made once: most routes of a large cluster have
    /// no settings of their own, and a box per route and loop was a fifth of its heap.
    private static let defaultReplicas = Mutex<[RoutePolicy]>([])

    /// The replica for event loop `index`: ``default``'s is shared by every route of the loop;
    /// any other is made through `made`, which a table's host shares between its routes (the
    /// routes of one Ingress hold one policy).
    func replica(forLoop index: Int, made: inout [ObjectIdentifier: RoutePolicy]) -> RoutePolicy {
        if isSharedDefault {
            return Self.defaultReplicas.withLock { replicas in
                while replicas.count <= index { replicas.append(Self.default.replica()) }
                return replicas[index]
            }
        }
        let key = identity
        if let replica = made[key] { return replica }
        let replica = replica()
        made[key] = replica
        return replica
    }

    func replica() -> RoutePolicy {
        // A box of its own; each setter boxes a changed copy again, so only what holds strings is set.
        var copy = reboxed
        if !eventStreamPaths.isEmpty { copy.eventStreamPaths = eventStreamPaths.map { $0.replica() } }
        if let redirect {
            copy.redirect = RouteRedirect(
                always: redirect.always.map { always in
                    .init(status: always.status, location: RedirectLocation(
                        text: always.location.text.replica(),
                        parts: always.location.parts.map { part in
                            if case .text(let text) = part { return .text(text.replica()) }
                            return part
                        }))
                },
                appRoot: redirect.appRoot?.replica())
        }
        if case .hash = loadBalancing { copy.loadBalancing = loadBalancing.replica() }
        if let sessionAffinity { copy.sessionAffinity = sessionAffinity.replica() }
        if let rewrite { copy.rewrite = rewrite.replica() }
        // Setting a boxed setting again gives the replica a box of its own for it.
        if let cors { copy.cors = cors }
        if let clientLimits { copy.clientLimits = clientLimits }
        if let externalAuth { copy.externalAuth = externalAuth }
        if let clientCertificate { copy.clientCertificate = clientCertificate }
        if let basicAuth { copy.basicAuth = basicAuth }
        if let canary { copy.canary = canary }
        if var tls = upstreamProtocol.tls {
            tls.serverName = tls.serverName?.replica()
            tls.trustedCertificatesPEM = tls.trustedCertificatesPEM?.replica()
            copy.upstreamProtocol.tls = tls
        }
        return copy
    }
}

extension String {
    /// A string with its own buffer (small strings are stored inline and have none).
    func replica() -> String {
        String(decoding: Array(utf8), as: UTF8.self)
    }
}
