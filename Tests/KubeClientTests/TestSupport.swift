import Foundation
import KubeClient
import KubeModels
import SluiceTestSupport

/// An Ingress-shaped object, local to these tests so they do not depend on the Ingress model.
struct TestIngress: KubeAPIResource {
    static let groupVersion = "networking.k8s.io/v1"
    static let kindName = "Ingress"
    static let pluralName = "ingresses"

    struct Spec: Codable, Hashable, Sendable {
        struct Rule: Codable, Hashable, Sendable {
            var host: String
            var paths: [String]
        }
        var ingressClassName: String?
        var rules: [Rule]?
    }

    struct Status: Codable, Hashable, Sendable {
        var loadBalancer: LoadBalancerStatus?
    }

    var apiVersion: String?
    var kind: String?
    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    init(namespace: String = "default", name: String, host: String = "example.com") {
        apiVersion = Self.groupVersion
        kind = Self.kindName
        metadata = ObjectMeta(name: name, namespace: namespace, labels: ["app": "web"])
        spec = Spec(ingressClassName: "sluice", rules: [Spec.Rule(host: host, paths: ["/", "/api"])])
    }
}

func makeClient(_ server: FakeKubeAPIServer, token: String? = FakeKubeAPIServer.defaultToken) -> KubeAPIClient {
    KubeAPIClient(config: KubeConfig(server: server.baseURL, bearerToken: token.map { .literal($0) }))
}

/// A directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kubeclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A value behind a lock, for test recorders.
final class Locked<Value>: @unchecked Sendable {
    // Safe: `value` is only touched inside `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 10 ms for up to `timeout`.
func wait(for what: String, timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Consumes a watch stream in a task and records what arrives.
final class WatchRecorder<Object: Sendable>: Sendable {
    struct Record {
        var events: [WatchEvent<Object>] = []
        var ended = false
        var error: (any Error)?
    }

    let record = Locked(Record())
    let task: Task<Void, Never>

    init(_ stream: AsyncThrowingStream<WatchEvent<Object>, any Error>) {
        let record = self.record
        task = Task {
            do {
                for try await event in stream { record.withLock { $0.events.append(event) } }
                record.withLock { $0.ended = true }
            } catch {
                record.withLock {
                    $0.error = error
                    $0.ended = true
                }
            }
        }
    }

    var events: [WatchEvent<Object>] { record.withLock { $0.events } }
    var ended: Bool { record.withLock { $0.ended } }
    var error: (any Error)? { record.withLock { $0.error } }

    func waitForEvents(_ count: Int) async throws {
        try await wait(for: "\(count) watch events") { events.count >= count }
    }

    func waitForEnd(timeout: Duration = .seconds(10)) async throws {
        try await wait(for: "the watch stream to end", timeout: timeout) { ended }
    }
}
