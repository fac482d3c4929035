import Foundation
import NIOCore
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Certificates rotated under open streams, as cert-manager renews a Secret: a new table with a
/// new certificate for the host, ten times over, while a hundred event streams run over TLS.
@Suite("HTTPS certificate rotation")
struct TLSRotationTests {
    private static let streams = 100
    private static let rotations = 10

    /// Every stream gets every event and its end, and after each swap a new handshake is shown
    /// the newest certificate.
    @Test func aHundredStreamsOutliveTenRotations() async throws {
        let ca = try TestCertificateAuthority()
        // The first DNS name is the subject's common name: it tells the generations apart.
        let generations = try (0...Self.rotations).map { generation in
            let leaf = try ca.issue(dnsNames: ["generation-\(generation).example.com", "chat.example.com"])
            return ServingCertificate(
                chainPEM: leaf.chainPEM, privateKeyPEM: leaf.privateKeyPEM, source: "default/chat-tls",
                fingerprint: leaf.fingerprint, notAfter: Int64(leaf.notValidAfter.timeIntervalSince1970))
        }
        let tls = TestClientTLS(trustRootPEM: ca.certificatePEM, serverName: "chat.example.com")
        let permits = UpstreamPermits()
        try await withUpstream(.eventStream(count: Self.rotations, permits: permits)) { upstream in
            func table(_ generation: Int) -> RoutingTable {
                let routes = SluiceProxyTests.table(host: "chat.example.com", endpoints: [.local(upstream)])
                return RoutingTable(
                    routes: routes.routes, certificates: CertificateTable(hosts: ["chat.example.com": generations[generation]]))
            }
            try await withProxy(table(0)) { proxy in
                var clients: [TestClient] = []
                for _ in 0..<Self.streams {
                    let client = try await TestClient.connect(port: proxy.httpsPort, tls: tls)
                    try await client.send("GET /events HTTP/1.1\r\nHost: chat.example.com\r\nAccept: text/event-stream\r\n\r\n")
                    clients.append(client)
                }
                for generation in 1...Self.rotations {
                    // The streams share the upstream's permits: one round's events may reach them
                    // unevenly, but all of them arrive before the next swap.
                    permits.grant(Self.streams)
                    try await Self.waitForEvents(Self.streams * generation, on: clients)

                    proxy.store.publish(table(generation))
                    let fresh = try await TestClient.connect(port: proxy.httpsPort, tls: tls)
                    // A host no route has: answered 404 by the proxy, so the upstream's streams alone
                    // take its permits.
                    try await fresh.send("GET / HTTP/1.1\r\nHost: unrouted.test\r\n\r\n")
                    #expect(try await fresh.readResponse().status == 404)
                    #expect(try await fresh.peerCertificateCommonName() == "generation-\(generation).example.com")
                    await fresh.close()
                }
                for client in clients {
                    try await client.waitForText("data: event \(Self.rotations - 1)\n\n\r\n0\r\n\r\n")
                    #expect(try await client.peerCertificateCommonName() == "generation-0.example.com")
                    await client.close()
                }
            }
        }
    }

    /// Waits until `clients` received `total` events between them.
    private static func waitForEvents(_ total: Int, on clients: [TestClient]) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            var received = 0
            for client in clients { received += client.receivedText.components(separatedBy: "data: event ").count - 1 }
            if received >= total { return }
            guard ContinuousClock.now < deadline else {
                let short = clients.enumerated().compactMap { index, client -> String? in
                    let events = client.receivedText.components(separatedBy: "data: event ").count - 1
                    return events * clients.count < total ? "#\(index): \(client.receivedText.suffix(80).debugDescription)" : nil
                }
                throw TestClientError.timeout(received: "\(received) of \(total) events; short: \(short.prefix(3))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
