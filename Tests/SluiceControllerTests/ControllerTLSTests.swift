import Foundation
import KubeModels
import SluiceIngress
import SluiceTestSupport
import Testing

@testable import SluiceController

/// The controller against the fake API server: `spec.tls` Secrets reach the published table,
/// a rotated Secret publishes its new certificate, and only TLS Secrets are asked for.
@Suite struct ControllerTLSTests {
    static func tlsIngress(secret: String = "shop-tls") -> Ingress {
        var ingress = ClusterFixtures.ingress("shop")
        ingress.spec?.tls = [IngressTLS(hosts: ["shop.example.com"], secretName: secret)]
        return ingress
    }

    @Test func aSpecTLSSecretIsPublishedAndItsRotationToo() async throws {
        let ca = try TestCertificateAuthority()
        let first = try ca.issue(dnsNames: ["shop.example.com"])
        let second = try ca.issue(dnsNames: ["shop.example.com"], keyAlgorithm: .rsa2048)
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(Self.tlsIngress())
            try server.put(first.secret(namespace: ClusterFixtures.namespace, name: "shop-tls"))
            let controller = RunningController(server, configuration: RunningController.configuration())
            controller.start()

            #expect(await eventually("first certificate live") {
                controller.table.certificates.hostCertificate("shop.example.com")?.fingerprint == first.fingerprint
            })
            #expect(controller.table.routes.count == 1)

            try server.put(second.secret(namespace: ClusterFixtures.namespace, name: "shop-tls"))
            #expect(await eventually("rotated certificate live") {
                controller.table.certificates.hostCertificate("shop.example.com")?.fingerprint == second.fingerprint
            })
            await controller.stop()
        }
    }

    /// TLS Secrets serve hosts, `Opaque` ones may hold a `proxy-ssl-secret`'s `ca.crt`; no other
    /// type (service-account tokens, Helm releases) is ever listed.
    @Test func secretsAreListedAndWatchedWithTheTLSAndOpaqueFieldSelectorsOnly() async throws {
        let leaf = try TestCertificateAuthority().issue(dnsNames: ["shop.example.com"])
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(Self.tlsIngress())
            try server.put(leaf.secret(namespace: ClusterFixtures.namespace, name: "shop-tls"))
            var opaque = leaf.secret(namespace: ClusterFixtures.namespace, name: "opaque")
            opaque.type = "Opaque"
            try server.put(opaque)
            let controller = RunningController(server, configuration: RunningController.configuration())
            controller.start()
            #expect(await eventually("ready") { controller.isReady })
            try await server.waitUntil("the secrets watch is open") { server in
                server.requests.filter { $0.path == "/api/v1/secrets" && $0.query["watch"] != nil }.count == 2
            }

            let secretRequests = server.requests.filter { $0.path.hasSuffix("/secrets") }
            #expect(!secretRequests.isEmpty)
            #expect(secretRequests.allSatisfy { ["type=kubernetes.io/tls", "type=Opaque"].contains($0.query["fieldSelector"]) })
            #expect(secretRequests.contains { $0.query["watch"] != nil && $0.query["fieldSelector"] == "type=kubernetes.io/tls" })
            #expect(secretRequests.contains { $0.query["watch"] != nil && $0.query["fieldSelector"] == "type=Opaque" })
            #expect(controller.table.certificates.hostCertificate("shop.example.com")?.fingerprint == leaf.fingerprint)
            await controller.stop()
        }
    }

    @Test func aBadDefaultCertificateIsLoggedAndLeftOut() async throws {
        let expired = try TestCertificateAuthority().issue(
            dnsNames: ["fallback.example"], notValidBefore: Date().addingTimeInterval(-86400 * 60),
            notValidAfter: Date().addingTimeInterval(-86400))
        let good = try TestCertificateAuthority().issue(dnsNames: ["fallback.example"])
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(expired.secret(namespace: ClusterFixtures.namespace, name: "fallback"))
            var configuration = RunningController.configuration()
            configuration.translation.defaultCertificateSecret = "\(ClusterFixtures.namespace)/fallback"
            let controller = RunningController(server, configuration: configuration)
            controller.start()
            #expect(await eventually("ready") { controller.isReady })
            #expect(controller.table.certificates.defaultCertificate == nil)

            try server.put(good.secret(namespace: ClusterFixtures.namespace, name: "fallback"))
            #expect(await eventually("the renewed default certificate is live") {
                controller.table.certificates.defaultCertificate?.fingerprint == good.fingerprint
            })
            await controller.stop()
        }
    }
}
