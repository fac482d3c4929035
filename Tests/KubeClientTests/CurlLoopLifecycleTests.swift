import Foundation
@testable import KubeClient
import KubeModels
import SluiceTestSupport
import Testing

/// The libcurl thread's life: it may end when idle and must come back for later requests; after
/// `shutdown()` every request fails at once instead of waiting forever.
@Suite struct CurlLoopLifecycleTests {
    @Test func aRequestAfterTheLoopWentIdleSucceeds() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(TestIngress(name: "web"))
            let client = makeClient(server)
            #expect(try await client.list(.ingresses, as: TestIngress.self).items.count == 1)

            client.loop.shutdownWhenIdle()
            try await wait(for: "the idle libcurl thread to end") { !client.loop.isThreadRunning }

            let list = try await firstOutcome(of: "a LIST after the thread ended") {
                try await client.list(.ingresses, as: TestIngress.self)
            }
            #expect(list.items.map(\.metadata.name) == ["web"])
            let events = client.watch(.ingresses, resourceVersion: list.resourceVersion, timeoutSeconds: 30, as: TestIngress.self)
            let watch = WatchRecorder(events)
            try server.put(TestIngress(name: "api"))
            try await watch.waitForEvents(1)
            watch.task.cancel()
        }
    }

    @Test func requestsAndWatchesAfterShutdownEndAtOnce() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            _ = try await client.list(.ingresses, as: TestIngress.self)
            client.shutdown()
            try await wait(for: "the libcurl thread to end") { !client.loop.isThreadRunning }

            let outcome = try await firstOutcome(of: "a LIST after shutdown") { () -> String in
                do {
                    _ = try await client.list(.ingresses, as: TestIngress.self)
                    return "succeeded"
                } catch {
                    return "\(type(of: error))"
                }
            }
            #expect(outcome == "CancellationError")

            let watch = WatchRecorder(client.watch(.ingresses, resourceVersion: "0", timeoutSeconds: 30, as: TestIngress.self))
            try await watch.waitForEnd()
            #expect(watch.events.isEmpty)
        }
    }

    @Test func shutdownBeforeAnyRequestRefusesThemToo() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            client.shutdown()
            await #expect(throws: CancellationError.self) {
                try await firstOutcome(of: "a LIST after shutdown") {
                    try await client.list(.ingresses, as: TestIngress.self)
                }
            }
        }
    }
}

/// Runs `body` in its own task and returns its outcome, or throws ``WaitTimeout`` after
/// `timeout`. Unlike a task group, this does not wait for a hung `body` (the bug it catches).
func firstOutcome<T: Sendable>(
    of what: String, timeout: Duration = .seconds(20), _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let pending = Locked<CheckedContinuation<T, any Error>?>(nil)
    return try await withCheckedThrowingContinuation { continuation in
        pending.withLock { $0 = continuation }
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            pending.withLock { waiting in defer { waiting = nil }; return waiting }?.resume(with: result)
        }
        Task {
            try? await Task.sleep(for: timeout)
            pending.withLock { waiting in defer { waiting = nil }; return waiting }?.resume(throwing: WaitTimeout(what: what))
        }
    }
}
