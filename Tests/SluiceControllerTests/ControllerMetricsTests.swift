import Foundation
import KubeClient
import KubeModels
import Logging
import ServiceLifecycle
import SluiceProxy
import SluiceTestSupport
import Testing

@testable import SluiceController

/// The controller's metrics as Prometheus scrapes them: a controller against the fake API server,
/// its counts and the routing table store's served by a real admin server, read with curl.
@Suite struct ControllerMetricsTests {
    static let ingresses = "/apis/networking.k8s.io/v1/ingresses"
    static let badTimeout = ["nginx.ingress.kubernetes.io/proxy-read-timeout": "soon"]

    /// `name{labels} value` lines of a scrape, by everything before the value.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// Runs `body` with a scrape function of a live admin server serving `store` and `metrics`.
    static func withAdminServer(
        store: RoutingTableStore, metrics: ControllerMetrics,
        _ body: @escaping @Sendable (_ scrape: @escaping @Sendable () async throws -> String) async throws -> Void
    ) async throws {
        let admin = AdminServer(
            host: "127.0.0.1", port: 0, readiness: ReadinessState(), routingTables: store,
            logger: Logger(label: "test.admin"))
        admin.addMetricsSource { metrics.prometheusText() }
        let group = ServiceGroup(services: [admin], logger: Logger(label: "test.group"))
        let run = Task { try await group.run() }
        let port = try await admin.port
        let scrape: @Sendable () async throws -> String = {
            let result = try await ChildProcess.run(
                executable: "/usr/bin/curl", arguments: ["-sSf", "http://127.0.0.1:\(port)/metrics"])
            try #require(result.exitCode == 0, "curl: \(result.stderr)")
            return result.stdout
        }
        do {
            try await body(scrape)
        } catch {
            run.cancel()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await run.value
    }

    @Test func failedRequestsARelistAndAChangeAreCountedExactly() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingressClass())
            try server.put(ClusterFixtures.service())
            try server.put(ClusterFixtures.endpointSlice())
            try server.put(ClusterFixtures.ingress("a", annotations: Self.badTimeout))
            // The first LIST of Ingresses fails: one API error, and the retry is no relist.
            server.failNext(path: Self.ingresses, with: .internalError)
            let store = RoutingTableStore()
            let metrics = ControllerMetrics()
            let controller = RunningController(
                server, configuration: RunningController.configuration(), metrics: metrics, store: store)
            try await Self.withAdminServer(store: store, metrics: metrics) { scrape in
                controller.start()
                #expect(await eventually("ready") { controller.isReady })
                try await server.waitUntil("every watch open") { _ in server.openWatchCount == 6 }
                var samples = Self.samples(try await scrape())
                #expect(samples[#"sluice_controller_api_errors_total{code="500"}"#] == 1)
                #expect(samples["sluice_controller_reconciles_total"] == 1)
                #expect(samples["sluice_controller_leader"] == 1)
                #expect(samples[#"sluice_controller_relists_total{resource="ingresses"}"#] == 0)
                #expect(samples[#"sluice_controller_watch_restarts_total{resource="ingresses"}"#] == 0)
                #expect(samples[#"sluice_controller_invalid_annotations{annotation="proxy-read-timeout"}"#] == 1)
                #expect(samples[#"sluice_controller_translation_warnings{reason="InvalidAnnotation"}"#] == 1)
                #expect(samples["sluice_routing_table_generation"] == 1)
                #expect(samples["sluice_translation_duration_seconds_count"] == 1)
                let changed = try #require(samples["sluice_controller_last_cluster_change_timestamp_seconds"])
                let reconciled = try #require(samples["sluice_controller_last_reconcile_timestamp_seconds"])
                let swapped = try #require(samples["sluice_routing_table_last_swap_timestamp_seconds"])
                let now = Date().timeIntervalSince1970
                #expect(changed > now - 60 && changed <= reconciled && reconciled <= swapped && swapped <= now)

                // Every watch ends as when its timeout runs out; the Ingresses' next WATCH is told
                // its version expired (410): one relist there, one watch restart everywhere.
                server.failNext(
                    path: Self.ingresses, with: .status(code: 410, reason: "Expired", message: "too old resource version"))
                server.endWatches()
                try await server.waitUntil("the relist") { _ in
                    server.requests.filter { $0.path == Self.ingresses && !$0.isWatch }.count == 3
                }
                try await server.waitUntil("every watch open again") { _ in server.openWatchCount == 6 }
                samples = Self.samples(try await scrape())
                let restarts = samples.filter { $0.key.hasPrefix("sluice_controller_watch_restarts_total{") }
                let relists = samples.filter { $0.key.hasPrefix("sluice_controller_relists_total{") }
                #expect(restarts.count == 6 && restarts.values.allSatisfy { $0 == 1 }, "\(restarts)")
                #expect(relists == [
                    #"sluice_controller_relists_total{resource="endpointslices"}"#: 0,
                    #"sluice_controller_relists_total{resource="ingressclasses"}"#: 0,
                    #"sluice_controller_relists_total{resource="ingresses"}"#: 1,
                    #"sluice_controller_relists_total{resource="opaque-secrets"}"#: 0,
                    #"sluice_controller_relists_total{resource="secrets"}"#: 0,
                    #"sluice_controller_relists_total{resource="services"}"#: 0,
                ])
                #expect(samples[#"sluice_controller_api_errors_total{code="410"}"#] == 1)
                #expect(samples[#"sluice_controller_api_errors_total{code="500"}"#] == 1)
                // The relist found what the cache held: nothing to rebuild.
                #expect(samples["sluice_controller_reconciles_total"] == 1)

                // A second Ingress with the same bad annotation: one rebuild, two Ingresses warned.
                try server.put(ClusterFixtures.ingress("b", host: "b.example.com", annotations: Self.badTimeout))
                #expect(await eventually("b live") { controller.table.routes.count == 2 })
                let text = try await scrape()
                samples = Self.samples(text)
                #expect(samples["sluice_controller_reconciles_total"] == 2)
                #expect(samples[#"sluice_controller_invalid_annotations{annotation="proxy-read-timeout"}"#] == 2)
                #expect(samples[#"sluice_controller_translation_warnings{reason="InvalidAnnotation"}"#] == 2)
                #expect(samples["sluice_routing_table_generation"] == 2)
                #expect(samples["sluice_translation_duration_seconds_count"] == 2)
                #expect(try #require(samples["sluice_controller_last_reconcile_timestamp_seconds"]) > reconciled)
                let findings = try await PromtoolLint.findings(in: text)
                #expect(findings == nil || findings == "", "promtool check metrics: \(findings ?? "")")
            }
            await controller.stop()
        }
    }

    @Test func theLeaderGaugeFollowsTheElection() {
        let metrics = ControllerMetrics(isLeader: false)
        #expect(metrics.prometheusText().contains("\nsluice_controller_leader 0\n"))
        metrics.leadershipChanged(true)
        #expect(metrics.prometheusText().contains("\nsluice_controller_leader 1\n"))
    }

    @Test func failedRequestsAreLabelledByTheirStatusCode() {
        #expect(ControllerMetrics.codeLabel(.forbidden(verb: "list", resource: "ingresses", message: "")) == "403")
        #expect(ControllerMetrics.codeLabel(.tooManyRequests(retryAfter: nil)) == "429")
        #expect(ControllerMetrics.codeLabel(.server(KubeStatus(code: 503, reason: "", message: ""))) == "503")
        #expect(ControllerMetrics.codeLabel(.rejected(KubeStatus(code: 422, reason: "Invalid", message: ""))) == "422")
        #expect(ControllerMetrics.codeLabel(.transport(curlCode: 7, message: "refused")) == "transport")
    }
}
