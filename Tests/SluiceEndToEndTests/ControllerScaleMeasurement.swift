import KubeModels
import Logging
import SluiceController
import SluiceRouting
import SluiceTestSupport
import Testing

/// The bar from the issue, measured and printed (never asserted): with 1,000 Ingresses on the
/// fake API server, how long from start to the first live table, and from one change to live.
@Suite struct ControllerScaleMeasurement {
    static let ingressCount = 1000

    @Test func thousandIngressesInitialSyncAndOneChange() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            try kube.put(ClusterObjectsForTests.ingressClass)
            try ClusterObjectsForTests.put(service: "web", port: 8080, on: kube)
            for index in 0..<Self.ingressCount {
                try kube.put(ClusterObjectsForTests.ingress("app-\(index)", host: "app-\(index).example.com", paths: [("/", "web")]))
            }
            let proxy = try await ProxyHarness.start()
            defer { Task { await proxy.stop() } }
            var logger = Logger(label: "test.scale")
            logger.logLevel = .error
            let store = proxy.store
            let controller = ControllerService(
                client: ClusterObjectsForTests.client(kube), configuration: ControllerConfiguration(),
                publish: { table, duration in store.publish(table, translationDuration: duration) },
                markReady: {}, logger: logger)

            let clock = ContinuousClock()
            let started = clock.now
            let running = Task { await controller.runUntilCancelled() }
            defer { running.cancel() }
            let generation = try await proxy.waitForTable(timeout: .seconds(60)) { $0.routes.count == Self.ingressCount }
            let initialSync = clock.now - started

            let changed = clock.now
            try kube.put(
                ClusterObjectsForTests.ingress("app-500", host: "app-500.example.com", paths: [("/", "web"), ("/v2", "web")]))
            try await proxy.waitForTable(newerThan: generation, timeout: .seconds(30)) {
                $0.match(host: "app-500.example.com", path: "/v2/x")?.path == .prefix(ingressPath: "/v2")
            }
            let changeToLive = clock.now - changed

            print("[measure] \(Self.ingressCount) Ingresses: initial sync → live table \(initialSync); one change → live \(changeToLive) (default hold-off 80 ms..1 s)")
            #expect(store.snapshot.table.routes.count == Self.ingressCount + 1)
            running.cancel()
            await running.value
        }
    }
}
