import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// An Ingress with `spec.tls` and its Secret on the fake API server → the controller → the real
/// proxy's HTTPS listener: served over TLS with that certificate (a client that verifies against
/// the test CA), plain HTTP redirected, and a renewed Secret rotated for the next handshake while
/// a stream opened before stays whole.
@Suite struct ControllerTLSEndToEndTests {
    @Test func aSecretIsServedOverTLSAndItsRenewalRotated() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            let ca = try TestCertificateAuthority()
            let permits = UpstreamPermits()
            let stream = try await UpstreamServer.start(.eventStream(count: 2, permits: permits, freeEvents: 1))
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); await stream.stop() } }

            let namespace = ClusterObjectsForTests.namespace
            try kube.put(ClusterObjectsForTests.ingressClass)
            try ClusterObjectsForTests.put(service: "events", port: stream.port, on: kube)
            let first = try ca.issue(dnsNames: ["first.shop.example.com", "shop.example.com"])
            try kube.put(first.secret(namespace: namespace, name: "shop-tls"))
            var ingress = ClusterObjectsForTests.ingress("shop", paths: [("/", "events")])
            ingress.spec?.tls = [IngressTLS(hosts: ["shop.example.com"], secretName: "shop-tls")]
            try kube.put(ingress)

            let running = proxy.runController(on: kube)
            defer { running.cancel() }
            var generation = try await proxy.waitForTable { $0.certificates.hostCertificate("shop.example.com") != nil }

            let tls = TestClientTLS(trustRootPEM: ca.certificatePEM, serverName: "shop.example.com")
            let client = try await TestClient.connect(port: proxy.httpsPort, tls: tls)
            try await client.send("GET /events HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
            try await client.waitForText("data: event 0\n\n")
            #expect(try await client.peerCertificateCommonName() == "first.shop.example.com")

            let plain = try await proxy.connect()
            try await plain.send("GET /events?x=1 HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
            let redirect = try await plain.readResponse()
            #expect(redirect.status == 308)
            #expect(redirect.header("location") == "https://shop.example.com/events?x=1")

            // cert-manager renews the Secret: the next handshake gets the new certificate.
            let renewed = try ca.issue(dnsNames: ["renewed.shop.example.com", "shop.example.com"])
            try kube.put(renewed.secret(namespace: namespace, name: "shop-tls"))
            generation = try await proxy.waitForTable(newerThan: generation) {
                $0.certificates.hostCertificate("shop.example.com")?.fingerprint == renewed.fingerprint
            }
            let fresh = try await TestClient.connect(port: proxy.httpsPort, tls: tls)
            try await fresh.send("GET /events HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
            try await fresh.waitForText("data: event 0\n\n")
            #expect(try await fresh.peerCertificateCommonName() == "renewed.shop.example.com")

            // The stream opened before the renewal goes on to its end.
            permits.grant(2)
            try await client.waitForText("data: event 1\n\n\r\n0\r\n\r\n")
            await client.close()
            await fresh.close()
        }
    }
}
