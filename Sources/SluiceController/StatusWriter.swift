import KubeClient
import KubeModels
import Logging

/// Writes `status.loadBalancer.ingress` of Ingresses (leader only): our Ingresses get the
/// published addresses, Ingresses that stop being ours are cleared. Only differences are written,
/// as merge-PATCHes of the `status` subresource.
public struct StatusWriter: Sendable {
    private struct StatusPatch: Encodable { var status: IngressStatus }

    /// A write not yet visible in the cache: the resourceVersion the object had before it, and
    /// what was written.
    private struct Written: Hashable {
        var resourceVersionBefore: String?
        var addresses: [LoadBalancerIngress]
    }

    public let client: KubeAPIClient
    public let source: StatusAddressSource
    public let logger: Logger
    private var previouslyOwned = Set<String>()
    private var written: [String: Written] = [:]
    private var reportedMissingService = false
    private var reportedForbidden = false

    public init(client: KubeAPIClient, source: StatusAddressSource, logger: Logger) {
        self.client = client
        self.source = source
        self.logger = logger
    }

    /// Brings the statuses in line with `outcome`. Returns false when a write failed and should be
    /// retried.
    public mutating func apply(_ outcome: ReconcileOutcome) async -> Bool {
        let publishService = source.serviceKey.flatMap { outcome.objects.service($0) }
        guard let desired = StatusComputation.desiredAddresses(source: source, publishService: publishService) else {
            if let key = source.serviceKey, !reportedMissingService {
                reportedMissingService = true
                logger.warning("--publish-service \(key) not found; Ingress status is not written until it exists")
            }
            return true
        }
        reportedMissingService = false
        let owned = Set(outcome.result.ownedIngresses)
        let updates = StatusComputation.updates(
            ingresses: Array(outcome.objects.ingresses.values), owned: owned, previouslyOwned: previouslyOwned,
            desired: desired)
        previouslyOwned = owned
        written = written.filter { key, write in
            outcome.objects.ingresses[key]?.metadata.resourceVersion == write.resourceVersionBefore
        }
        var succeeded = true
        for update in updates {
            let before = outcome.objects.ingresses[update.key]?.metadata.resourceVersion
            let write = Written(resourceVersionBefore: before, addresses: update.addresses)
            if written[update.key] == write { continue }
            do {
                try await patch(update)
                written[update.key] = write
            } catch KubeAPIError.notFound {
                continue
            } catch KubeAPIError.forbidden(_, _, let message) {
                if !reportedForbidden {
                    reportedForbidden = true
                    logger.error(
                        "forbidden: cannot patch ingresses.networking.k8s.io/status — the ClusterRole needs patch on ingresses/status (server said: \(message))"
                    )
                }
                succeeded = false
            } catch is CancellationError {
                return false
            } catch {
                logger.warning("writing Ingress status failed, will retry", metadata: ["ingress": "\(update.key)", "error": "\(error)"])
                succeeded = false
            }
        }
        return succeeded
    }

    private func patch(_ update: StatusUpdate) async throws {
        let path = KubeResourcePath.ingresses.namespace(update.namespace).named(update.name)
        let body = StatusPatch(status: IngressStatus(loadBalancer: LoadBalancerStatus(ingress: update.addresses)))
        _ = try await client.patchStatus(path, body, as: Ingress.self)
        logger.info(
            update.addresses.isEmpty ? "cleared Ingress status" : "wrote Ingress status",
            metadata: ["ingress": "\(update.key)", "addresses": "\(update.addresses.map { $0.ip ?? $0.hostname ?? "" })"])
    }
}
