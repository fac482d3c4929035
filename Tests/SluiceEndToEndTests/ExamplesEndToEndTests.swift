import Foundation
import KubeModels
import SluiceManifests
import SluiceRouting
import SluiceTestSupport
import Testing

/// The Ingresses of `Examples/` as a user applies them, on the fake API server, through the
/// controller and the real proxy, with real upstreams behind their Services: the socket.io
/// example keeps each long-polling client on one pod over TLS, and the canary pair sends what its
/// header and cookie say to the new release.
@Suite("Examples/ end to end")
struct ExamplesEndToEndTests {
    /// The Ingresses of `Examples/<file>`, as `kubectl apply` would create them.
    private static func ingresses(_ file: String) throws -> [Ingress] {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOf: repository.appendingPathComponent("Examples/\(file)"), encoding: .utf8)
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: file)
        #expect(errors.isEmpty, "\(errors)")
        return objects.compactMap { if case .ingress(let ingress) = $0 { ingress } else { nil } }
    }

    /// A Service `name` in `default` whose endpoints are the upstreams on 127.0.0.1 at `ports`
    /// (one slice each: a slice has one port per name).
    private static func putService(_ name: String, ports: [Int], on kube: FakeKubeAPIServer) throws {
        try kube.put(Service(
            metadata: ObjectMeta(name: name, namespace: "default"),
            spec: ServiceSpec(clusterIP: "10.96.0.30", ports: [ServicePort(name: "http", port: 80, targetPort: .string("http"))])))
        for (index, port) in ports.enumerated() {
            try kube.put(EndpointSlice(
                metadata: ObjectMeta(name: "\(name)-\(index)", namespace: "default", labels: [EndpointSlice.serviceNameLabel: name]),
                addressType: "IPv4",
                endpoints: [EndpointSliceEndpoint(addresses: ["127.0.0.1"], conditions: EndpointConditions(ready: true))],
                ports: [EndpointPort(name: "http", port: port, protocol: "TCP")]))
        }
    }

    private static func request(_ path: String, cookie: String? = nil, extra: [String] = []) -> String {
        var lines = ["GET \(path) HTTP/1.1", "Host: chat.example.com"] + extra
        if let cookie { lines.append("Cookie: \(cookie)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    @Test func theSocketIOExampleKeepsEachPollingClientOnItsPod() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            var started: [UpstreamServer] = []
            for _ in 0..<3 { started.append(try await UpstreamServer.start(.echo)) }
            let pods = started
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); for pod in pods { await pod.stop() } } }
            let ca = try TestCertificateAuthority()
            try kube.put(try ca.issue(dnsNames: ["chat.example.com"]).secret(namespace: "default", name: "chat-example-com-tls"))
            try kube.put(ClusterObjectsForTests.ingressClass)
            try Self.putService("socketio", ports: pods.map(\.port), on: kube)
            for ingress in try Self.ingresses("socketio-sticky-ingress.yaml") { try kube.put(ingress) }

            let running = proxy.runController(on: kube)
            defer { running.cancel() }
            try await proxy.waitForTable { table in
                table.certificates.hostCertificate("chat.example.com") != nil
                    && table.match(host: "chat.example.com", path: "/socket.io/")?.backend.endpoints.count == 3
            }
            let tls = TestClientTLS(trustRootPEM: ca.certificatePEM, serverName: "chat.example.com")
            let handshake = "/socket.io/?EIO=4&transport=polling"

            for _ in 0..<4 {
                // A new client: its first poll gets a cookie naming its pod…
                let first = try await TestClient.connect(port: proxy.httpsPort, tls: tls)
                try await first.send(Self.request(handshake))
                let opened = try await first.readResponse()
                await first.close()
                #expect(opened.status == 200)
                let setCookie = try #require(opened.header("set-cookie"), "no cookie: \(opened.headers)")
                #expect(setCookie.hasPrefix("io-route="))
                for attribute in ["Max-Age=172800", "Path=/socket.io", "Secure", "HttpOnly", "SameSite=Lax"] {
                    #expect(setCookie.contains(attribute), "\(setCookie)")
                }
                let cookie = String(setCookie.prefix { $0 != ";" })
                let pod = try #require(opened.header("x-upstream-port"))
                // …and every later poll, each on a connection of its own as a browser may open,
                // reaches that pod.
                for poll in 0..<8 {
                    let client = try await TestClient.connect(port: proxy.httpsPort, tls: tls)
                    try await client.send(Self.request("\(handshake)&sid=s\(poll)", cookie: cookie))
                    let response = try await client.readResponse()
                    await client.close()
                    #expect(response.status == 200)
                    #expect(response.header("x-upstream-port") == pod, "poll \(poll) moved to another pod")
                }
            }
        }
    }

    @Test func theCanaryExampleSendsItsHeaderAndCookieToTheNewRelease() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            let stable = try await UpstreamServer.start(.echo)
            let release = try await UpstreamServer.start(.echo)
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); await stable.stop(); await release.stop() } }
            try kube.put(ClusterObjectsForTests.ingressClass)
            try Self.putService("chat-api", ports: [stable.port], on: kube)
            try Self.putService("chat-api-v2", ports: [release.port], on: kube)
            let ingresses = try Self.ingresses("canary-ingress.yaml")
            #expect(ingresses.count == 2)
            for ingress in ingresses { try kube.put(ingress) }

            let running = proxy.runController(on: kube)
            defer { running.cancel() }
            try await proxy.waitForTable { table in
                table.match(host: "chat.example.com", path: "/v1/models")?.canary?.backend.endpoints.isEmpty == false
            }
            let client = try await proxy.connect()
            for (extra, cookie, expected) in [
                (["X-Canary: always"], nil, release.port), (["X-Canary: never"], "canary=always", stable.port),
                ([], "canary=always", release.port), ([], "canary=never", stable.port),
            ] as [([String], String?, Int)] {
                for _ in 0..<10 {
                    try await client.send(Self.request("/v1/models", cookie: cookie, extra: extra))
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.header("x-upstream-port") == String(expected), "\(extra) \(cookie ?? "")")
                }
            }
            // canary-weight 10: 1,000 requests without either, binomial (mean 100, sd 9.5).
            var toRelease = 0
            for _ in 0..<1000 {
                try await client.send(Self.request("/v1/models"))
                if try await client.readResponse().header("x-upstream-port") == String(release.port) { toRelease += 1 }
            }
            #expect((52...148).contains(toRelease), "\(toRelease) of 1000 to the canary")
            await client.close()
        }
    }
}
