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
    static let ca = try! TestCertificateAuthority()

    /// A running controller serving `shop` (TLS from `shop-tls`), with `other-tls` (the
    /// certificate `other`, for `admin.example.com`) on the server, referenced by nothing and
    /// already held as a stub.
    struct Harness {
        var server: FakeKubeAPIServer
        var controller: RunningController
        var other: TestCertificate
        var cache: ObjectCache { controller.service.cache }

        /// The certificate the published table serves for `admin.example.com`.
        var adminFingerprint: String? {
            controller.table.certificates.hostCertificate("admin.example.com")?.fingerprint
        }

        /// How many GETs of `other-tls` the server received.
        var getCount: Int {
            server.requests.filter { $0.method == "GET" && $0.path == ControllerSecretRetentionTests.otherPath }.count
        }

        /// The reasons of the TLS Warning Events written.
        var tlsWarnings: [String] {
            let events = (try? server.objects(Event.self, namespace: ControllerSecretRetentionTests.namespace)) ?? []
            return events.compactMap(\.reason).filter { $0.hasPrefix("TLS") }
        }

        /// Puts an Ingress `admin` serving `admin.example.com` with the certificate of `other-tls`.
        func referenceOther() throws {
            var ingress = ClusterFixtures.ingress("admin", host: "admin.example.com")
            ingress.spec?.tls = [IngressTLS(hosts: ["admin.example.com"], secretName: "other-tls")]
            try server.put(ingress)
        }

        func putOther(_ certificate: TestCertificate) throws {
            try server.put(certificate.secret(namespace: ControllerSecretRetentionTests.namespace, name: "other-tls"))
        }
    }

    static func withHarness(_ body: @Sendable (Harness) async throws -> Void) async throws {
        let shop = try ca.issue(dnsNames: ["shop.example.com"])
        let other = try ca.issue(dnsNames: ["admin.example.com"])
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(ControllerTLSTests.tlsIngress())
            try server.put(shop.secret(namespace: namespace, name: "shop-tls"))
            var unreferenced = other.secret(namespace: namespace, name: "other-tls")
            unreferenced.metadata.annotations = ["kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{}}"]
            try server.put(unreferenced)
            let controller = RunningController(server, configuration: RunningController.configuration())
            let cache = controller.service.cache
            controller.start()
            #expect(await eventually("the unreferenced Secret held as a stub") {
                await cache.objects.withheldSecrets.contains("shop/other-tls")
            })
            #expect(controller.table.certificates.hostCertificate("shop.example.com")?.fingerprint == shop.fingerprint)
            try await body(Harness(server: server, controller: controller, other: other))
            await controller.stop()
        }
    }

    @Test func anUnreferencedSecretIsHeldWithoutDataUntilAnIngressReferencesIt() async throws {
        let rotated = try Self.ca.issue(dnsNames: ["admin.example.com"])
        try await Self.withHarness { harness in
            let stub = await harness.cache.objects.secrets["shop/other-tls"]
            #expect(stub?.data == nil && stub?.metadata.annotations == nil)
            #expect(await harness.cache.objects.secrets["shop/shop-tls"]?.data != nil)
            #expect(await harness.cache.objects.withheldSecrets == ["shop/other-tls"])
            #expect(harness.getCount == 0)

            let version = harness.server.object(.secrets, namespace: Self.namespace, name: "other-tls")?
                .string(at: ["metadata", "resourceVersion"])
            try harness.referenceOther()
            #expect(await eventually("the newly referenced certificate is live") {
                harness.adminFingerprint == harness.other.fingerprint
            })
            #expect(harness.getCount == 1)
            #expect(harness.server.object(.secrets, namespace: Self.namespace, name: "other-tls")?
                .string(at: ["metadata", "resourceVersion"]) == version)
            #expect(await harness.cache.objects.withheldSecrets.isEmpty)

            // Rotated while referenced: the watch event replaces what the GET stored.
            try harness.putOther(rotated)
            #expect(await eventually("the rotated certificate is live") { harness.adminFingerprint == rotated.fingerprint })

            // No longer referenced: its data goes again.
            _ = harness.server.delete(Ingress.self, namespace: Self.namespace, name: "admin")
            #expect(await eventually("the data dropped again") {
                await harness.cache.objects.withheldSecrets.contains("shop/other-tls")
            })
            try await Task.sleep(for: .milliseconds(200))
            #expect(harness.tlsWarnings.isEmpty)
        }
    }

    @Test func aFailedGetIsRetriedWithBackoff() async throws {
        try await Self.withHarness { harness in
            harness.server.failNext(1, path: Self.otherPath, with: .forbidden)
            harness.server.failNext(1, path: Self.otherPath, with: .internalError)
            try harness.referenceOther()
            #expect(await eventually("served after two failed GETs") { harness.adminFingerprint == harness.other.fingerprint })
            #expect(harness.getCount == 3)
            #expect(harness.tlsWarnings.isEmpty)
        }
    }

    @Test func aGetAnswering404MeansTheSecretIsMissing() async throws {
        try await Self.withHarness { harness in
            harness.server.failNext(
                1, path: Self.otherPath,
                with: .status(code: 404, reason: "NotFound", message: "secrets \"other-tls\" not found"))
            try harness.referenceOther()
            #expect(await eventually("a TLSSecretNotFound Warning") {
                harness.tlsWarnings == [DiagnosticReason.tlsSecretNotFound]
            })
            #expect(await harness.cache.objects.secrets["shop/other-tls"] == nil)
            #expect(harness.adminFingerprint == nil)

            // The watch has the last word: the Secret, written again, is served.
            try harness.putOther(harness.other)
            #expect(await eventually("served once the watch delivers it") { harness.adminFingerprint == harness.other.fingerprint })
        }
    }

    @Test func aWatchEventNewerThanTheGetWins() async throws {
        let rotated = try Self.ca.issue(dnsNames: ["admin.example.com"])
        try await Self.withHarness { harness in
            // The GET reads `other`, but its answer is held until the watch has delivered `rotated`.
            harness.server.holdAnswers(path: Self.otherPath)
            try harness.referenceOther()
            try await harness.server.waitUntil("the GET held") { $0.heldAnswerCount == 1 }
            try harness.putOther(rotated)
            #expect(await eventually("the watch's newer certificate is live") { harness.adminFingerprint == rotated.fingerprint })

            harness.server.releaseHeldAnswers()
            #expect(await eventually("the GET answered") { await harness.cache.retention.inFlight.isEmpty })
            try await Task.sleep(for: .milliseconds(200))
            #expect(harness.adminFingerprint == rotated.fingerprint)
            #expect(harness.tlsWarnings.isEmpty)
        }
    }
}
