import KubeClient
import KubeModels
import Logging

/// Keeps one slot of the ``ObjectCache`` equal to one kind of object on the API server: LIST,
/// then WATCH, for as long as the task runs (see ``ReflectorStateMachine`` for the decisions).
/// Never ends on its own and never throws: failures are retried and logged once per change of
/// state. Cancel the task to stop it.
public struct Reflector<Object: KubeAPIResource>: Sendable {
    public let client: KubeAPIClient
    /// The collection, with the namespace already applied (nil = all namespaces).
    public let path: KubeResourcePath
    public let fieldSelector: String?
    public let sink: ReflectorSink<Object>
    public let configuration: ReflectorConfiguration
    public let logger: Logger

    public init(
        client: KubeAPIClient, path: KubeResourcePath, fieldSelector: String? = nil, sink: ReflectorSink<Object>,
        configuration: ReflectorConfiguration = ReflectorConfiguration(), logger: Logger
    ) {
        self.client = client
        self.path = path
        self.fieldSelector = fieldSelector
        self.sink = sink
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "resource"] = "\(path.qualifiedResource)"
        if let namespace = path.namespace { logger[metadataKey: "namespace"] = "\(namespace)" }
        self.logger = logger
    }

    public func run() async {
        var machine = ReflectorStateMachine(backoff: configuration.backoff)
        var step = machine.start
        // Relists and watch restarts count in the cache's metrics, under the reflector's name.
        let metrics = sink.cache.metrics
        var watchesSinceList = 0
        while !Task.isCancelled {
            let decision: ReflectorStateMachine.Decision
            switch step {
            case .list(let delay):
                guard await sleep(delay) else { return }
                if machine.hasSynced { metrics.relisted(sink.reflector) }
                watchesSinceList = 0
                decision = await list(&machine)
            case .watch(let resourceVersion, let delay):
                guard await sleep(delay) else { return }
                if watchesSinceList > 0 { metrics.watchRestarted(sink.reflector) }
                watchesSinceList += 1
                decision = await watch(from: resourceVersion, &machine)
            }
            report(decision.healthChange)
            step = decision.step
        }
    }

    private func list(_ machine: inout ReflectorStateMachine) async -> ReflectorStateMachine.Decision {
        do {
            let list = try await client.list(path, as: Object.self, fieldSelector: fieldSelector)
            await sink.replace(list.items)
            logger.debug("listed", metadata: ["count": "\(list.items.count)", "resourceVersion": "\(list.resourceVersion)"])
            return machine.listSucceeded(resourceVersion: list.resourceVersion)
        } catch {
            return machine.listFailed(
                ReflectorFailure.classify(error, verb: "list", path: path), random: configuration.random())
        }
    }

    private func watch(
        from resourceVersion: String, _ machine: inout ReflectorStateMachine
    ) async -> ReflectorStateMachine.Decision {
        let clock = ContinuousClock()
        let start = clock.now
        machine.watchStarted()
        let events = client.watch(
            path, resourceVersion: resourceVersion, timeoutSeconds: configuration.randomWatchTimeout(),
            fieldSelector: fieldSelector, as: Object.self)
        do {
            for try await event in events {
                switch event {
                case .added(let object), .modified(let object):
                    await sink.upsert(object)
                    report(machine.eventReceived(resourceVersion: object.metadata.resourceVersion))
                case .deleted(let object):
                    await sink.delete(object)
                    report(machine.eventReceived(resourceVersion: object.metadata.resourceVersion))
                case .bookmark(let version):
                    report(machine.eventReceived(resourceVersion: version))
                case .error(let status):
                    if status.isExpired {
                        logger.info("watch resourceVersion expired, relisting", metadata: ["status": "\(status)"])
                    }
                    return machine.errorEventReceived(status, random: configuration.random())
                case .decodingFailed(let line, let error):
                    logger.warning(
                        "skipping a watch event that could not be decoded",
                        metadata: ["error": "\(error)", "line": "\(line.prefix(512))"])
                }
            }
            return machine.watchEnded(after: clock.now - start, random: configuration.random())
        } catch {
            let failure = ReflectorFailure.classify(error, verb: "watch", path: path)
            if failure == .expired { logger.info("watch resourceVersion expired (HTTP 410), relisting") }
            return machine.watchFailed(failure, random: configuration.random())
        }
    }

    private func report(_ change: ReflectorStateMachine.HealthChange?) {
        switch change {
        case .failing(let failure):
            logger.error("\(failure) — serving the last good routing table and retrying with backoff")
        case .recovered:
            logger.notice("connection to the API server recovered")
        case nil:
            break
        }
    }

    /// Sleeps `delay`; false when the task was cancelled.
    private func sleep(_ delay: Duration) async -> Bool {
        if delay > .zero {
            do { try await Task.sleep(for: delay) } catch { return false }
        }
        return !Task.isCancelled
    }
}
