import SluiceRouting
import Testing

@Suite("Routing table replicas")
struct RoutingTableReplicaTests {
    /// Long enough that Swift stores them out of line (a string of up to 15 UTF-8 bytes lives
    /// inside the value and has no buffer to share).
    private static let host = "streaming-api.long-enough-host.example.com"
    private static let service = "team-namespace/a-service-with-a-long-name:8080"
    private static let endpointAddress = "fd00:1234:5678:9abc:def0:1234:5678:9abc"

    private static func original() -> RoutingTable {
        let backend = Backend(name: service, endpoints: [
            Endpoint(host: endpointAddress, port: 8080), Endpoint(host: "10.0.0.2", port: 8080),
        ])
        let policy = RoutePolicy(
            maxStreamDuration: .seconds(60), eventStreamPaths: ["/api/v1/chat/completions/stream"],
            upstreamProtocol: UpstreamProtocol(tls: UpstreamTLS(
                serverName: "a-service-with-a-long-name.team-namespace.svc", verify: true,
                trustedCertificatesPEM: "-----BEGIN CERTIFICATE-----\nnot really one\n-----END CERTIFICATE-----\n")))
        return RoutingTable(
            routes: [
                Route(host: .exact(host), path: .prefix(ingressPath: "/api/v1/chat/completions"), backend: backend,
                      policy: policy, source: "team-namespace/an-ingress-with-a-long-name"),
                Route(host: .wildcard(suffix: ".wildcard-suffix.example.com"), path: .exact("/exactly/this/long/path"),
                      backend: backend, source: "team-namespace/another-ingress"),
            ],
            defaultBackend: Route(host: .any, path: .prefix(ingressPath: "/"), backend: backend, source: "default-backend")
        )
    }

    @Test func aReplicaIsEqualAndRoutesAlike() {
        let table = Self.original()
        let replica = table.replica(forLoop: 0)
        #expect(replica == table)
        for (host, path) in [(Self.host, "/api/v1/chat/completions/x"), ("a.wildcard-suffix.example.com", "/exactly/this/long/path"),
                             ("elsewhere", "/")] {
            #expect(replica.match(host: Substring(host), path: Substring(path)) == table.match(host: Substring(host), path: Substring(path)))
        }
    }

    @Test func aReplicaSharesNoStringOrArrayBuffer() throws {
        let table = Self.original()
        let replica = table.replica(forLoop: 0)
        func address(_ string: String) -> UnsafeRawPointer? {
            var copy = string
            return copy.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        func address<T>(_ array: [T]) -> UnsafeRawPointer? {
            array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        let pairs = zip(table.routes, replica.routes)
        for (a, b) in pairs {
            #expect(address(a.backend.name) != address(b.backend.name))
            #expect(address(a.backend.endpoints) != address(b.backend.endpoints))
            #expect(address(a.backend.endpoints[0].host) != address(b.backend.endpoints[0].host))
            #expect(address(a.source) != address(b.source))
            #expect(address(a.policy.eventStreamPaths) != address(b.policy.eventStreamPaths) || a.policy.eventStreamPaths.isEmpty)
            if let tls = a.policy.upstreamProtocol.tls, let copied = b.policy.upstreamProtocol.tls {
                #expect(address(tls.serverName ?? "") != address(copied.serverName ?? ""))
                #expect(address(tls.trustedCertificatesPEM ?? "") != address(copied.trustedCertificatesPEM ?? ""))
            }
        }
        let hostRoutes = try #require(table.routes(of: .exact(Self.host)))
        let replicaHostRoutes = try #require(replica.routes(of: .exact(Self.host)))
        #expect(hostRoutes !== replicaHostRoutes)
        #expect(address(hostRoutes.routes) != address(replicaHostRoutes.routes))
        let exactHost = try #require(table.routes.first { $0.host == .exact(Self.host) })
        let replicaHost = try #require(replica.routes.first { $0.host == .exact(Self.host) })
        #expect(address(exactHost.host.text) != address(replicaHost.host.text))
    }

    @Test func eachLoopHasItsOwnReplicaMadeOnce() throws {
        let table = Self.original()
        let host = HostMatch.exact(Self.host)
        let first = try #require(table.replica(forLoop: 0).routes(of: host))
        let second = try #require(table.replica(forLoop: 1).routes(of: host))
        #expect(first !== second)
        #expect(first == second)
        #expect(try #require(table.replica(forLoop: 0).routes(of: host)) === first)
    }

    /// A table made from another by replacing some hosts shares the others with it, replicas
    /// included: publishing it copies only the replaced hosts.
    @Test func aTableWithReplacedHostsSharesTheOthersAndTheirReplicas() throws {
        let table = Self.original()
        let kept = HostMatch.wildcard(suffix: ".wildcard-suffix.example.com")
        let replaced = HostMatch.exact(Self.host)
        let keptReplica = try #require(table.replica(forLoop: 0).routes(of: kept))
        let replacedReplica = try #require(table.replica(forLoop: 0).routes(of: replaced))
        let backend = Backend(name: "other/service:80", endpoints: [Endpoint(host: "10.0.0.9", port: 80)])
        let newHost = HostRoutes(host: replaced, routes: [
            Route(host: replaced, path: .prefix(ingressPath: "/"), backend: backend, source: "other/ingress")
        ])
        let next = table.replacingHosts([replaced], with: [newHost], defaultBackend: table.defaultBackend,
                                        certificates: table.certificates)
        #expect(next.routes(of: kept) === table.routes(of: kept))
        #expect(next.replica(forLoop: 0).routes(of: kept) === keptReplica)
        #expect(next.replica(forLoop: 0).routes(of: replaced) !== replacedReplica)
        #expect(next.match(host: Substring(Self.host), path: "/api/v1/chat/completions")?.source == "other/ingress")
        #expect(next.routeCount == 2)
        #expect(next == RoutingTable(routes: [newHost.routes[0]] + table.routes.filter { $0.host == kept },
                                     defaultBackend: table.defaultBackend))

        let without = next.replacingHosts([replaced], with: [], defaultBackend: nil, certificates: .empty)
        #expect(without.routeCount == 1)
        #expect(without.match(host: Substring(Self.host), path: "/")  == nil)
        #expect(without.routes(of: replaced) == nil)
    }
}
