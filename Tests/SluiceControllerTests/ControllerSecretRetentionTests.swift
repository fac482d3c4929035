import KubeModels
import SluiceIngress
import SluiceTestSupport
import Testing

@testable import SluiceController

/// The controller against the fake API server holds the data of referenced Secrets only, and
/// fetches a Secret's data when an Ingress starts to reference it, with no change to the Secret.
@Suite struct ControllerSecretRetentionTests {
    static let namespace = ClusterFixtures.namespace
    static let otherPath = "/api/v1/namespaces/\(namespace)/secrets/other-tls"

    /// `shop` (TLS from `shop-tls`) and its backend, plus `other-tls`, which nothing references.
    static func seed(_ server: FakeKubeAPIServer, shop: TestCertificate, other: TestCertificate) throws {
        try server.put(ClusterFixtures.ingressClass())
        try server.put(ClusterFixtures.service())
        try server.put(ClusterFixtures.endpointSlice())
        try server.put(ControllerTLSTests.tlsIngress())
        try server.put(shop.secret(namespace: namespace, name: "shop-tls"))
        var unreferenced = other.secret(namespace: namespace, name: "other-tls")
        unreferenced.metadata.annotations = ["kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{}}"]
        try server.put(unreferenced)
    }

    /// An Ingress `admin` serving `admin.example.com` with the certificate of `other-tls`.
    static func adminIngress() -> Ingress {
        var ingress = ClusterFixtures.ingress("admin", host: "admin.example.com")
        ingress.spec?.tls = [IngressTLS(hosts: ["admin.example.com"], secretName: "other-tls")]
        return ingress
    }

    static func tlsWarnings(_ server: FakeKubeAPIServer) -> [String] {
        let events = (try? server.objects(Event.self, namespace: namespace)) ?? []
        return events.compactMap(\.reason).filter { $0.hasPrefix("TLS") }
    }

    static func getCount(_ server: FakeKubeAPIServer) -> Int {
        server.requests.filter { $0.method == "GET" && $0.path == otherPath }.count
    }

    @Test func anUnreferencedSecretIsHeldWithoutDataUntilAnIngressReferencesIt() async throws {
        let ca = try TestCertificateAuthority()
        let shop = try ca.issue(dnsNames: ["shop.example.com"])
        let other = try ca.issue(dnsNames: ["admin.example.com"])
        let rotated = try ca.issue(dnsNames: ["admin.example.com"])
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, shop: shop, other: other)
            let controller = RunningController(server, configuration: RunningController.configuration())
            let cache = controller.service.cache
            controller.start()

            #expect(await eventually("the unreferenced Secret's data dropped") {
                await cache.objects.secrets["shop/other-tls"].map { $0.data == nil && $0.metadata.annotations == nil } == true
            })
            #expect(await cache.objects.secrets["shop/shop-tls"]?.data != nil)
            #expect(await cache.objects.withheldSecrets == ["shop/other-tls"])
            #expect(controller.table.certificates.hostCertificate("shop.example.com")?.fingerprint == shop.fingerprint)
            #expect(Self.getCount(server) == 0)

            let version = server.object(.secrets, namespace: Self.namespace, name: "other-tls")?
                .string(at: ["metadata", "resourceVersion"])
            try server.put(Self.adminIngress())
            #expect(await eventually("the newly referenced certificate is live") {
                controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint == other.fingerprint
            })
            #expect(Self.getCount(server) == 1)
            #expect(server.object(.secrets, namespace: Self.namespace, name: "other-tls")?
                .string(at: ["metadata", "resourceVersion"]) == version)
            #expect(await cache.objects.withheldSecrets.isEmpty)

            // Rotated while referenced: the watch event replaces what the GET stored.
            try server.put(rotated.secret(namespace: Self.namespace, name: "other-tls"))
            #expect(await eventually("the rotated certificate is live") {
                controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint == rotated.fingerprint
            })

            // No longer referenced: its data goes again.
            _ = server.delete(Ingress.self, namespace: Self.namespace, name: "admin")
            #expect(await eventually("the data dropped again") {
                await cache.objects.withheldSecrets.contains("shop/other-tls")
            })
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.tlsWarnings(server).isEmpty)
            await controller.stop()
        }
    }

    @Test func aFailedGetIsRetriedWithBackoff() async throws {
        let ca = try TestCertificateAuthority()
        let shop = try ca.issue(dnsNames: ["shop.example.com"])
        let other = try ca.issue(dnsNames: ["admin.example.com"])
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, shop: shop, other: other)
            let controller = RunningController(server, configuration: RunningController.configuration())
            let cache = controller.service.cache
            controller.start()
            #expect(await eventually("the data dropped") { await cache.objects.withheldSecrets.contains("shop/other-tls") })

            server.failNext(1, path: Self.otherPath, with: .forbidden)
            server.failNext(1, path: Self.otherPath, with: .internalError)
            try server.put(Self.adminIngress())
            #expect(await eventually("served after two failed GETs") {
                controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint == other.fingerprint
            })
            #expect(Self.getCount(server) == 3)
            #expect(Self.tlsWarnings(server).isEmpty)
            await controller.stop()
        }
    }

    @Test func aGetAnswering404MeansTheSecretIsMissing() async throws {
        let ca = try TestCertificateAuthority()
        let shop = try ca.issue(dnsNames: ["shop.example.com"])
        let other = try ca.issue(dnsNames: ["admin.example.com"])
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, shop: shop, other: other)
            let controller = RunningController(server, configuration: RunningController.configuration())
            let cache = controller.service.cache
            controller.start()
            #expect(await eventually("the data dropped") { await cache.objects.withheldSecrets.contains("shop/other-tls") })

            server.failNext(1, path: Self.otherPath, with: .status(code: 404, reason: "NotFound", message: "secrets \"other-tls\" not found"))
            try server.put(Self.adminIngress())
            #expect(await eventually("a TLSSecretNotFound Warning") {
                Self.tlsWarnings(server) == [DiagnosticReason.tlsSecretNotFound]
            })
            #expect(await cache.objects.secrets["shop/other-tls"] == nil)
            #expect(controller.table.certificates.hostCertificate("admin.example.com") == nil)

            // The watch has the last word: the Secret, written again, is served.
            try server.put(other.secret(namespace: Self.namespace, name: "other-tls"))
            #expect(await eventually("served once the watch delivers it") {
                controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint == other.fingerprint
            })
            await controller.stop()
        }
    }

    @Test func aWatchEventNewerThanTheGetWins() async throws {
        let ca = try TestCertificateAuthority()
        let shop = try ca.issue(dnsNames: ["shop.example.com"])
        let other = try ca.issue(dnsNames: ["admin.example.com"])
        let rotated = try ca.issue(dnsNames: ["admin.example.com"])
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, shop: shop, other: other)
            let controller = RunningController(server, configuration: RunningController.configuration())
            let cache = controller.service.cache
            controller.start()
            #expect(await eventually("the data dropped") { await cache.objects.withheldSecrets.contains("shop/other-tls") })

            // The GET reads `other`, but its answer is held until the watch has delivered `rotated`.
            server.holdAnswers(path: Self.otherPath)
            try server.put(Self.adminIngress())
            try await server.waitUntil("the GET held") { $0.heldAnswerCount == 1 }
            try server.put(rotated.secret(namespace: Self.namespace, name: "other-tls"))
            #expect(await eventually("the watch's newer certificate is live") {
                controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint == rotated.fingerprint
            })

            server.releaseHeldAnswers()
            #expect(await eventually("the GET answered") { await cache.retention.inFlight.isEmpty })
            try await Task.sleep(for: .milliseconds(200))
            #expect(controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint == rotated.fingerprint)
            #expect(Self.tlsWarnings(server).isEmpty)
            await controller.stop()
        }
    }
}
