import Foundation
import KubeModels
import SluiceTestSupport
import Testing

/// `sluice controller` as the Deployment runs it, against the fake API server: its `/metrics`
/// has the controller's metrics beside the proxy's (the wiring in `ControllerCommand`), and
/// promtool finds nothing to fix in the whole scrape.
@Suite("sluice controller /metrics")
struct ControllerMetricsCommandTests {
    static func objects(_ server: FakeKubeAPIServer) throws {
        try server.put(
            IngressClass(metadata: ObjectMeta(name: "sluice"), spec: IngressClassSpec(controller: "sluice.io/ingress-controller")))
        try server.put(
            Ingress(
                metadata: ObjectMeta(
                    name: "chat", namespace: "shop", annotations: ["nginx.ingress.kubernetes.io/proxy-read-timeout": "soon"]),
                spec: IngressSpec(
                    ingressClassName: "sluice",
                    rules: [
                        IngressRule(
                            host: "chat.example.com",
                            http: HTTPIngressRuleValue(paths: [
                                HTTPIngressPath(
                                    path: "/", pathType: .prefix,
                                    backend: IngressBackend(
                                        service: IngressServiceBackend(name: "llm", port: ServiceBackendPort(number: 80))))
                            ]))
                    ])))
    }

    static func kubeconfig(_ server: FakeKubeAPIServer) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-kubeconfig-\(UUID().uuidString)")
        try """
            apiVersion: v1
            kind: Config
            current-context: fake
            clusters:
            - name: fake
              cluster:
                server: \(server.baseURL)
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: sluice
            users:
            - name: fake
              user:
                token: \(FakeKubeAPIServer.defaultToken)
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func theControllersMetricsAreServedBesideTheProxys() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try Self.objects(server)
            let kubeconfig = try Self.kubeconfig(server)
            defer { try? FileManager.default.removeItem(at: kubeconfig) }
            let sluice = try SluiceProcess(arguments: ["controller", "--kubeconfig", kubeconfig.path, "--election-id", "metrics-test"])
            defer { sluice.kill() }
            try await sluice.waitForReadiness(200)
            // Leadership comes with the first election round, after readiness or before it.
            var body = ""
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while clock.now < deadline {
                body = await sluice.adminResponse("/metrics")?.bodyText ?? ""
                if body.contains("\nsluice_controller_leader 1\n") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let lines = Set(body.split(separator: "\n").map(String.init))
            #expect(lines.contains("sluice_controller_leader 1"), "\(sluice.log)")
            #expect(lines.contains("sluice_controller_reconciles_total 1"))
            #expect(lines.contains(#"sluice_controller_relists_total{resource="ingresses"} 0"#))
            #expect(lines.contains(#"sluice_controller_invalid_annotations{annotation="proxy-read-timeout"} 1"#))
            // The API client's failures reach the metrics: the Lease did not exist yet (404).
            #expect(lines.contains(#"sluice_controller_api_errors_total{code="404"} 1"#), "\(body)")
            #expect(lines.contains("sluice_routing_table_generation 1"))
            #expect(lines.contains("sluice_translation_duration_seconds_count 1"))
            #expect(lines.contains("sluice_open_connections 0"))
            let findings = try await PromtoolLint.findings(in: body)
            #expect(findings == nil || findings == "", "promtool check metrics: \(findings ?? "")")
            sluice.terminate()
            _ = try await sluice.waitForExit()
        }
    }
}
