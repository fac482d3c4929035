import Foundation
import KubeClient
import KubeModels
import Logging
import SluiceIngress

/// Turns translation diagnostics into core/v1 Warning Events on the objects concerned (leader
/// only), deduplicated by ``EventDeduplicator``.
public struct EventRecorder: Sendable {
    private struct RepeatPatch: Encodable {
        var count: Int
        var lastTimestamp: String
    }

    public static let component = "sluice"

    public let client: KubeAPIClient
    public let logger: Logger
    private var deduplicator: EventDeduplicator
    /// Namespaces where an Event was refused for good (403: terminating, or 404), logged once.
    private var refusedNamespaces: Set<String> = []

    public init(client: KubeAPIClient, repeatInterval: Duration = .seconds(600), logger: Logger) {
        self.client = client
        self.logger = logger
        self.deduplicator = EventDeduplicator(repeatInterval: repeatInterval)
    }

    /// Emits what `outcome`'s diagnostics call for. Returns false when a write failed.
    public mutating func apply(_ outcome: ReconcileOutcome) async -> Bool {
        var succeeded = true
        for action in deduplicator.plan(outcome.result.diagnostics, now: .now) {
            switch action {
            case .create(let diagnostic):
                succeeded = await create(diagnostic, objects: outcome.objects) && succeeded
            case .repeatEvent(let diagnostic, let name, let count):
                let path = KubeResourcePath.events.namespace(diagnostic.namespace).named(name)
                do {
                    _ = try await client.patch(
                        path, RepeatPatch(count: count, lastTimestamp: KubeTime.time(Date())), as: Event.self)
                } catch KubeAPIError.notFound {
                    deduplicator.eventVanished(diagnostic)
                    succeeded = await create(diagnostic, objects: outcome.objects) && succeeded
                } catch is CancellationError {
                    return false
                } catch {
                    logger.warning("repeating an Event failed", metadata: ["error": "\(error)"])
                    succeeded = false
                }
            }
        }
        return succeeded
    }

    private mutating func create(_ diagnostic: Diagnostic, objects: ClusterObjects) async -> Bool {
        let event = Self.event(for: diagnostic, objects: objects, now: Date())
        do {
            let created = try await client.create(KubeResourcePath.events.namespace(diagnostic.namespace), event)
            deduplicator.created(diagnostic, eventName: created.metadata.name ?? "")
            return true
        } catch KubeAPIError.forbidden(_, _, let message) {
            return refused(diagnostic, because: "403 Forbidden: \(message)")
        } catch KubeAPIError.notFound(let message) {
            return refused(diagnostic, because: "404 Not Found: \(message)")
        } catch is CancellationError {
            deduplicator.failed(diagnostic)
            return false
        } catch {
            deduplicator.failed(diagnostic)
            logger.warning("creating an Event failed", metadata: ["diagnostic": "\(diagnostic)", "error": "\(error)"])
            return false
        }
    }

    /// An Event the API server will not take (its namespace is terminating or gone, or RBAC
    /// forbids it): retrying cannot help, so the write ends here and the diagnostic stays recorded
    /// as emitted (tried again only after the repeat interval). Logged once per namespace.
    private mutating func refused(_ diagnostic: Diagnostic, because reason: String) -> Bool {
        if refusedNamespaces.insert(diagnostic.namespace).inserted {
            logger.notice(
                "Events cannot be created in this namespace (terminating, gone, or not allowed); not retried",
                metadata: ["namespace": "\(diagnostic.namespace)", "error": "\(reason)"])
        }
        return true
    }

    /// The Warning Event for `diagnostic`, naming the object (with its uid, from the cache).
    static func event(for diagnostic: Diagnostic, objects: ClusterObjects, now: Date) -> Event {
        let key = "\(diagnostic.namespace)/\(diagnostic.name)"
        let (apiVersion, uid): (String, String?) =
            switch diagnostic.kind {
            case Service.kindName: (Service.groupVersion, objects.services[key]?.metadata.uid)
            case Secret.kindName:
                (Secret.groupVersion, (objects.secrets[key] ?? objects.defaultCertificateSecrets[key])?.metadata.uid)
            default: (Ingress.groupVersion, objects.ingresses[key]?.metadata.uid)
            }
        let timestamp = KubeTime.time(now)
        return Event(
            metadata: ObjectMeta(generateName: "\(diagnostic.name).", namespace: diagnostic.namespace),
            involvedObject: InvolvedObject(
                apiVersion: apiVersion, kind: diagnostic.kind, namespace: diagnostic.namespace, name: diagnostic.name,
                uid: uid),
            reason: diagnostic.reason, message: diagnostic.message, type: "Warning",
            source: EventSource(component: component), firstTimestamp: timestamp, lastTimestamp: timestamp, count: 1)
    }
}
