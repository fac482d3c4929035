@testable import KubeClient
import KubeModels
import Logging
import NIOConcurrencyHelpers
import SluiceController
import SluiceIngress
import SluiceRouting
import SluiceTestSupport
import Testing

@Suite struct TablePublisherTests {
    /// What a ``TablePublisher`` did, in order.
    private final class Recorder: Sendable {
        let events = NIOLockedValueBox<[String]>([])

        func publisher() -> TablePublisher {
            let events = self.events
            return TablePublisher(
                options: TranslationOptions(),
                publish: { table, _ in events.withLockedValue { $0.append("publish \(table.routes.count)") } },
                markReady: { events.withLockedValue { $0.append("ready") } },
                logger: Logger(label: "test.publisher") { _ in RecordingLogHandler(events: events) })
        }

        var recorded: [String] { events.withLockedValue { $0 } }
    }

    private static func snapshot(readTimeout: String) -> ClusterSnapshot {
        ClusterSnapshot(
            ingresses: [ClusterFixtures.ingress("web", annotations: ["sluice.io/proxy-read-timeout": readTimeout])],
            ingressClasses: [ClusterFixtures.ingressClass()], services: [ClusterFixtures.service()],
            endpointSlices: [ClusterFixtures.endpointSlice()])
    }

    @Test func readinessFollowsTheFirstPublishOnly() {
        let recorder = Recorder()
        var publisher = recorder.publisher()
        var firstLive = 0
        publisher.publish(Self.snapshot(readTimeout: "30s")) { _ in firstLive += 1 }
        publisher.publish(Self.snapshot(readTimeout: "40s")) { _ in firstLive += 1 }
        #expect(recorder.recorded == ["publish 1", "ready", "publish 1"])
        #expect(firstLive == 1)
        #expect(publisher.hasPublished)
    }

    @Test func aDiagnosticIsLoggedOnceWhileItLastsAndAgainWhenItReturns() {
        let recorder = Recorder()
        var publisher = recorder.publisher()
        publisher.publish(Self.snapshot(readTimeout: "forever"))
        publisher.publish(Self.snapshot(readTimeout: "forever"))
        publisher.publish(Self.snapshot(readTimeout: "30s"))
        publisher.publish(Self.snapshot(readTimeout: "forever"))
        let warnings = recorder.recorded.filter { $0.hasPrefix("warning") }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.contains("forever") })
    }
}
