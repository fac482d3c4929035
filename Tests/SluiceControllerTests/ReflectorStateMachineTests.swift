import KubeClient
import Testing

@testable import SluiceController

@Suite struct ReflectorStateMachineTests {
    private func machine() -> ReflectorStateMachine { ReflectorStateMachine(backoff: Backoff(jitter: 0)) }

    @Test func listsThenWatchesFromTheListVersion() {
        var machine = machine()
        #expect(machine.start == .list(after: .zero))
        #expect(!machine.hasSynced)
        let decision = machine.listSucceeded(resourceVersion: "abc-9")
        #expect(decision.step == .watch(resourceVersion: "abc-9", after: .zero))
        #expect(machine.hasSynced)
    }

    @Test func eventsAndBookmarksAdvanceTheVersionAndANormalEndResumesFromIt() {
        var machine = machine()
        _ = machine.listSucceeded(resourceVersion: "10")
        machine.watchStarted()
        _ = machine.eventReceived(resourceVersion: "11")
        _ = machine.eventReceived(resourceVersion: "zz-bookmark")
        #expect(machine.watchEnded(after: .seconds(300), random: 0).step == .watch(resourceVersion: "zz-bookmark", after: .zero))
    }

    @Test func anImmediatelyEndingEmptyWatchBacksOff() {
        var machine = machine()
        _ = machine.listSucceeded(resourceVersion: "10")
        machine.watchStarted()
        #expect(machine.watchEnded(after: .milliseconds(5), random: 0).step == .watch(resourceVersion: "10", after: .milliseconds(800)))
    }

    @Test func expiredVersionRelistsAtOnceWhetherHTTPOrErrorEvent() {
        var machine = machine()
        _ = machine.listSucceeded(resourceVersion: "10")
        #expect(machine.watchFailed(.expired, random: 0).step == .list(after: .zero))
        #expect(machine.resourceVersion == nil)
        _ = machine.listSucceeded(resourceVersion: "20")
        let expired = KubeStatus(code: 410, reason: "Expired", message: "too old resource version: 1 (3559)")
        #expect(machine.errorEventReceived(expired, random: 0).step == .list(after: .zero))
    }

    @Test func otherErrorEventsRelistAfterBackoff() {
        var machine = machine()
        _ = machine.listSucceeded(resourceVersion: "10")
        let status = KubeStatus(code: 500, reason: "InternalError", message: "boom")
        #expect(machine.errorEventReceived(status, random: 0).step == .list(after: .milliseconds(800)))
    }

    @Test func brokenWatchesResumeFromTheLastVersionWithGrowingBackoff() {
        var machine = machine()
        _ = machine.listSucceeded(resourceVersion: "10")
        let first = machine.watchFailed(.unreachable("reset"), random: 0)
        let second = machine.watchFailed(.unreachable("reset"), random: 0)
        #expect(first.step == .watch(resourceVersion: "10", after: .milliseconds(800)))
        #expect(second.step == .watch(resourceVersion: "10", after: .milliseconds(1600)))
        _ = machine.eventReceived(resourceVersion: "11")
        #expect(machine.watchFailed(.serverError("500"), random: 0).step == .watch(resourceVersion: "11", after: .milliseconds(800)))
    }

    @Test func throttlingWaitsAtLeastRetryAfter() {
        var machine = machine()
        #expect(machine.listFailed(.throttled(retryAfter: .seconds(3)), random: 0).step == .list(after: .seconds(3)))
    }

    @Test func healthIsReportedOncePerChangeNotPerRetry() {
        var machine = machine()
        let failure = ReflectorFailure.unreachable("connection refused")
        #expect(machine.listFailed(failure, random: 0).healthChange == .failing(failure))
        #expect(machine.listFailed(.unreachable("connection refused again"), random: 0).healthChange == nil)
        let forbidden = ReflectorFailure.forbidden("nope")
        #expect(machine.listFailed(forbidden, random: 0).healthChange == .failing(forbidden))
        #expect(machine.listSucceeded(resourceVersion: "1").healthChange == .recovered)
        #expect(machine.watchEnded(after: .seconds(400), random: 0).healthChange == nil)
    }

    @Test func forbiddenNamesTheVerbAndResource() {
        let error = KubeAPIError.forbidden(verb: "watch", resource: "ingresses.networking.k8s.io", message: "denied")
        let failure = ReflectorFailure.classify(error, verb: "watch", path: .ingresses)
        guard case .forbidden(let text) = failure else {
            Issue.record("expected forbidden, got \(failure)")
            return
        }
        #expect(text.hasPrefix("forbidden: cannot watch ingresses.networking.k8s.io at cluster scope — the ClusterRole needs watch on ingresses"))
        let namespaced = ReflectorFailure.classify(error, verb: "list", path: KubeResourcePath.secrets.namespace("shop"))
        #expect(namespaced.description.contains("cannot list secrets in namespace \"shop\""))
    }
}
