import Logging
import ServiceLifecycle
import SluiceIngress
import SluiceManifests
import SluiceProxy
import SluiceRouting

/// Feeds the proxy from Ingress/Service/EndpointSlice YAML files in a directory, watched for
/// changes: the standalone mode's equivalent of the controller's reconcile loop, using the same
/// translation. A load with any error is reported (file, document, field) and not applied, so the
/// last good table keeps serving.
struct StandaloneRoutingSource: Service {
    let directory: String
    let options: TranslationOptions
    let store: RoutingTableStore
    let readiness: ReadinessState
    let logger: Logger

    func run() async throws {
        let watcher = ManifestDirectoryWatcher(directory: directory)
        var state = StandaloneSourceState()
        var reported = Set<Diagnostic>()
        logger.info("watching manifests", metadata: ["directory": "\(directory)"])
        for await load in watcher.changes().cancelOnGracefulShutdown() {
            switch state.apply(load) {
            case .publish(let snapshot):
                let clock = ContinuousClock()
                let start = clock.now
                let result = IngressTranslator.translate(snapshot, options: options)
                let elapsed = clock.now - start
                let current = Set(result.diagnostics)
                for diagnostic in result.diagnostics where !reported.contains(diagnostic) {
                    logger.warning("\(diagnostic)")
                }
                reported = current
                store.publish(result.table, translationDuration: elapsed)
                readiness.markRoutingTableLoaded()
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
