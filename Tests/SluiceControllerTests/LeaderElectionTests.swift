import KubeModels
import SluiceTestSupport
import Testing

@testable import SluiceController

/// Two controllers against one fake API server: exactly one writes status; stopping it hands over.
@Suite struct LeaderElectionTests {
    private func election(_ identity: String) -> LeaderElectionConfiguration {
        LeaderElectionConfiguration(
            identity: identity, leaseNamespace: "sluice-system", leaseName: "sluice-leader",
            leaseDuration: .seconds(4), renewDeadline: .seconds(3), retryPeriod: .milliseconds(200))
    }

    private func hasStatus(_ server: FakeKubeAPIServer, _ name: String) -> Bool {
        let ingress = try? server.objects(Ingress.self).first { $0.metadata.name == name }
        return ingress?.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "192.0.2.10")]
    }

    private func statusWriters(_ server: FakeKubeAPIServer) -> Set<String> {
        Set(server.requests.filter { $0.method == "PATCH" && $0.path.hasSuffix("/status") }.map { $0.headers["authorization"] ?? "" })
    }

    @Test func exactlyOneLeaderWritesStatusAndHandsOverOnStop() async throws {
        try await FakeKubeAPIServer.withServer(acceptedTokens: ["token-a", "token-b"]) { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.ingress("first"))
            let statusSource = StatusAddressSource.addresses(["192.0.2.10"])
            let a = RunningController(
                server, token: "token-a",
                configuration: RunningController.configuration(statusAddresses: statusSource, election: election("pod-a")))
            let b = RunningController(
                server, token: "token-b",
                configuration: RunningController.configuration(statusAddresses: statusSource, election: election("pod-b")))
            a.start()
            b.start()

            #expect(await eventually("status written") { hasStatus(server, "first") })
            #expect(await eventually("both serve the route") { a.isReady && b.isReady && !a.table.routes.isEmpty && !b.table.routes.isEmpty })
            let aLeads = await a.service.elector?.isLeader == true
            let bLeads = await b.service.elector?.isLeader == true
            #expect(aLeads != bLeads)
            let (leader, follower, followerToken) = aLeads ? (a, b, "Bearer token-b") : (b, a, "Bearer token-a")
            #expect(statusWriters(server).count == 1)
            #expect(!statusWriters(server).contains(followerToken))
            let lease = try #require(try server.objects(Lease.self, namespace: "sluice-system").first)
            #expect(lease.spec?.holderIdentity == (aLeads ? "pod-a" : "pod-b"))

            await leader.stop()
            let released = try server.objects(Lease.self, namespace: "sluice-system").first
            #expect(released?.spec?.holderIdentity == "" || released?.spec?.holderIdentity == (aLeads ? "pod-b" : "pod-a"))
            try server.put(ClusterFixtures.ingress("second", host: "second.example.com"))
            #expect(await eventually("the other replica took over") { await follower.service.elector?.isLeader == true })
            #expect(await eventually("new leader writes status") { hasStatus(server, "second") })
            #expect(statusWriters(server).contains(followerToken))
            await follower.stop()
        }
    }
}
