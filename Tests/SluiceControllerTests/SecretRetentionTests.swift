import KubeModels
import Testing

@testable import SluiceController

/// ``SecretRetention`` as a table: each row feeds it LIST/watch arrivals, reconcile answers and
/// GET results, and reads back what it said after each step.
@Suite struct SecretRetentionTests {
    enum Step: Sendable, CustomStringConvertible {
        /// A LIST item or an ADDED/MODIFIED event for Secret `name` at `rv`.
        case event(String, rv: String)
        /// A DELETED event.
        case deleted(String)
        /// A reconcile read exactly these Secrets; `held` is what the cache holds.
        case reference([String], held: [String])
        case startFetches
        case fetched(String, SecretRetention.FetchResult)

        var description: String {
            switch self {
            case .event(let name, let rv): "event \(name)@\(rv)"
            case .deleted(let name): "deleted \(name)"
            case .reference(let names, _): "reference \(names)"
            case .startFetches: "startFetches"
            case .fetched(let name, let result): "fetched \(name) \(result)"
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [Step]
        /// One line a step: `keep@rv` / `stub@rv` (what is stored), `drop [..]`, `fetch [..]`,
        /// `store@rv` / `remove` / `drop` / `retry` (what to do with a GET result), `-`.
        var said: [String]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "before the first reconcile everything is kept",
            steps: [.event("a", rv: "1"), .startFetches],
            said: ["keep@1", "fetch []"]),
        Row(name: "the first reconcile drops the data of what it did not read",
            steps: [.event("a", rv: "1"), .event("b", rv: "2"), .reference(["b"], held: ["a", "b"]), .startFetches],
            said: ["keep@1", "keep@2", "drop [a]", "fetch []"]),
        Row(name: "an unreferenced Secret arrives as a stub, a referenced one whole",
            steps: [.reference(["b"], held: []), .event("a", rv: "1"), .event("b", rv: "2")],
            said: ["drop []", "stub@1", "keep@2"]),
        Row(name: "a stub that becomes referenced is fetched once, and stored",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .reference(["a"], held: ["a"]), .startFetches, .fetched("a", .found(secret("a", rv: "1")))],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "drop []", "fetch []", "store@1"]),
        Row(name: "the GET may see a newer version than the watch did: it is stored",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .fetched("a", .found(secret("a", rv: "7")))],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "store@7"]),
        Row(name: "a watch event during the GET supersedes it (watch newer than GET)",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .event("a", rv: "3"), .fetched("a", .found(secret("a", rv: "2"))), .startFetches],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "keep@3", "drop", "fetch []"]),
        Row(name: "a watch event after the GET result wins",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .fetched("a", .found(secret("a", rv: "2"))), .event("a", rv: "3")],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "store@2", "keep@3"]),
        Row(name: "a DELETED during the GET supersedes it",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .deleted("a"), .fetched("a", .found(secret("a", rv: "1"))), .startFetches],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "-", "drop", "fetch []"]),
        Row(name: "404: the Secret is gone",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .fetched("a", .notFound), .startFetches],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "remove", "fetch []"]),
        Row(name: "a Secret of another type under that name counts as gone",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .fetched("a", .found(secret("a", rv: "5", type: "kubernetes.io/dockerconfigjson")))],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "remove"]),
        Row(name: "403 and 5xx are retried while the data is wanted, and stop when it no longer is",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .fetched("a", .failed), .startFetches, .reference([], held: ["a"]), .fetched("a", .failed),
                    .startFetches],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "retry", "fetch []", "drop []", "drop", "fetch []"]),
        Row(name: "a GET answered after its Secret stopped being referenced is dropped",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .reference([], held: ["a"]), .fetched("a", .found(secret("a", rv: "1")))],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "drop []", "drop"]),
        Row(name: "a stub event superseding a GET leads to a new GET once referenced again",
            steps: [.reference([], held: []), .event("a", rv: "1"), .reference(["a"], held: ["a"]), .startFetches,
                    .reference([], held: ["a"]), .event("a", rv: "2"), .reference(["a"], held: ["a"]), .startFetches,
                    .fetched("a", .found(secret("a", rv: "1"))), .startFetches],
            said: ["drop []", "stub@1", "drop []", "fetch [a]", "drop []", "stub@2", "drop []", "fetch []", "drop",
                   "fetch [a]"]),
        Row(name: "a result for a Secret never fetched changes nothing",
            steps: [.reference(["a"], held: []), .fetched("a", .found(secret("a", rv: "1")))],
            said: ["drop []", "drop"]),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        var retention = SecretRetention()
        var said: [String] = []
        for step in row.steps {
            switch step {
            case .event(let name, let rv):
                let kept = retention.admit(Self.secret(name, rv: rv))
                said.append("\(kept.data == nil ? "stub" : "keep")@\(kept.metadata.resourceVersion ?? "")")
            case .deleted(let name):
                retention.removed("ns/\(name)")
                said.append("-")
            case .reference(let names, let held):
                let dropped = retention.reference(Set(names.map { "ns/\($0)" }), held: held.map { "ns/\($0)" })
                for key in dropped { retention.dropped(key) }
                said.append("drop \(Self.names(dropped))")
            case .startFetches:
                said.append("fetch \(Self.names(retention.startFetches()))")
            case .fetched(let name, let result):
                switch retention.fetched("ns/\(name)", result) {
                case .store(let secret): said.append("store@\(secret.metadata.resourceVersion ?? "")")
                case .remove: said.append("remove")
                case .drop: said.append("drop")
                case .retry: said.append("retry")
                }
            }
        }
        #expect(said == row.said, "\(row.steps)")
    }

    @Test func onlyReferencedSecretsMatterOnceTheReferencesAreKnown() {
        var retention = SecretRetention()
        #expect(retention.matters("ns/a"))
        _ = retention.reference(["ns/b"], held: [String]())
        #expect(!retention.matters("ns/a"))
        #expect(retention.matters("ns/b"))
    }

    @Test func aStubKeepsWhatSaysTheSecretExistsAndNothingElse() {
        var secret = Self.secret("a", rv: "9")
        secret.metadata.uid = "u-1"
        secret.metadata.labels = ["app": "shop"]
        secret.metadata.annotations = ["kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"tls.key\":\"...\"}}"]
        secret.stringData = ["tls.key": "-----BEGIN PRIVATE KEY-----"]
        let stub = SecretRetention.stub(secret)
        #expect(stub.metadata == ObjectMeta(name: "a", namespace: "ns", uid: "u-1", resourceVersion: "9"))
        #expect(stub.type == Secret.tlsType)
        #expect(stub.data == nil && stub.stringData == nil)
    }

    /// `[a,b]` for `["ns/a", "ns/b"]`.
    static func names(_ keys: [String]) -> String {
        "[" + keys.map { String($0.dropFirst(3)) }.joined(separator: ",") + "]"
    }

    static func secret(_ name: String, rv: String, type: String = Secret.tlsType) -> Secret {
        Secret(
            metadata: ObjectMeta(name: name, namespace: "ns", resourceVersion: rv), type: type,
            data: ["tls.crt": "Y2VydA==", "tls.key": "a2V5"])
    }
}
