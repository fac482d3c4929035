import Logging
import ServiceLifecycle
import SluiceController
import SluiceIngress
import SluiceManifests
import SluiceProxy

/// Feeds the proxy from Ingress/Service/EndpointSlice YAML files in a directory, watched for
/// changes: the standalone mode's equivalent of the controller's reconcile loop, publishing
/// through the same ``TablePublisher``. A load with any error is reported (file, document, field)
/// and not applied, so the last good table keeps serving.
struct StandaloneRoutingSource: Service {
    let directory: String
    let publisher: TablePublisher
    let logger: Logger

    init(directory: String, options: TranslationOptions, store: RoutingTableStore, readiness: ReadinessState, logger: Logger) {
        self.directory = directory
        self.publisher = TablePublisher(
            options: options, publish: { table, duration in store.publish(table, translationDuration: duration) },
            markReady: { readiness.markRoutingTableLoaded() }, logger: logger)
        self.logger = logger
    }

    func run() async throws {
        let watcher = ManifestDirectoryWatcher(directory: directory)
        var state = StandaloneSourceState()
        var publisher = self.publisher
        logger.info("watching manifests", metadata: ["directory": "\(directory)"])
        for await load in watcher.changes().cancelOnGracefulShutdown() {
            switch state.apply(load) {
            case .publish(let snapshot):
                publisher.publish(snapshot)
            case .unchanged:
                break
            case .keepLastGood(let errors):
                for error in errors {
                    logger.error("manifest rejected, still serving the last good routing table: \(error)")
                }
            }
        }
    }
}
