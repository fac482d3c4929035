import KubeModels
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

/// An Ingress migrated from ingress-nginx with an allow list Sluice does not support, on the fake
/// API server → controller → the real proxy: its route answers 503 and the upstream receives
/// nothing, one Warning Event says why, and once the annotation is gone the route is served.
@Suite struct ControllerFailClosedEndToEndTests {
    @Test func aRouteGuardedByAnUnsupportedAnnotationFailsClosedUntilTheAnnotationGoes() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            let guarded = try await UpstreamServer.start(.echo)
            let open = try await UpstreamServer.start(.echo)
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop(); await guarded.stop(); await open.stop() } }

            try kube.put(ClusterObjectsForTests.ingressClass)
            try ClusterObjectsForTests.put(service: "admin", port: guarded.port, on: kube)
            try ClusterObjectsForTests.put(service: "web", port: open.port, on: kube)
            let annotations = [
                "nginx.ingress.kubernetes.io/auth-proxy-set-headers": "default/auth-headers",
                "nginx.ingress.kubernetes.io/proxy-read-timeout": "120",
            ]
            try kube.put(
                ClusterObjectsForTests.ingress(
                    "admin", host: "admin.example.com", paths: [("/", "admin")], annotations: annotations))
            try kube.put(ClusterObjectsForTests.ingress("web", paths: [("/", "web")]))

            let running = proxy.runController(on: kube, logLevel: .error)
            defer { running.cancel() }

            let generation = try await proxy.waitForTable {
                $0.match(host: "admin.example.com", path: "/")?.policy.refusal != nil
                    && $0.match(host: "shop.example.com", path: "/") != nil
            }
            let client = try await proxy.connect()
            try await client.send(get("/users", host: "admin.example.com"))
            let refused = try await client.readResponse()
            #expect(refused.status == 503)
            #expect(refused.bodyText.contains("refused (fails closed)"))
            #expect(refused.bodyText.contains("auth-proxy-set-headers"))
            try await client.send(get("/", host: "shop.example.com"))
            #expect(try await client.readResponse().status == 200)
            #expect(guarded.acceptedConnections == 0)
            #expect(open.acceptedConnections == 1)

            let warning = try #require(
                await eventually { try? kube.objects(Event.self, namespace: ClusterObjectsForTests.namespace).first })
            #expect(warning.type == "Warning")
            #expect(warning.reason == DiagnosticReason.unsupportedAnnotation)
            #expect(warning.involvedObject.name == "admin")
            #expect(warning.message?.contains("auth-proxy-set-headers guarded access") == true)
            #expect(warning.message?.contains("--allow-unsupported-security-annotations") == true)

            // The annotation removed: the same route is served.
            try kube.put(
                ClusterObjectsForTests.ingress(
                    "admin", host: "admin.example.com", paths: [("/", "admin")],
                    annotations: ["nginx.ingress.kubernetes.io/proxy-read-timeout": "120"]))
            try await proxy.waitForTable(newerThan: generation) {
                $0.match(host: "admin.example.com", path: "/")?.policy.refusal == nil
            }
            try await client.send(get("/users", host: "admin.example.com"))
            #expect(try await client.readResponse().status == 200)
            #expect(guarded.acceptedConnections == 1)
            await client.close()
            running.cancel()
            await running.value
        }
    }

    /// The first value `probe` returns within 10 s.
    private func eventually<T>(_ probe: () -> T?) async -> T? {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let value = probe() { return value }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
