import KubeClient
import KubeModels
import Logging

/// Writes `status.loadBalancer.ingress` of Ingresses (leader only): our Ingresses get the
/// published addresses, Ingresses that stop being ours are cleared. Only differences are written,
/// as merge-PATCHes of the `status` subresource, several at once.
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
    /// How many PATCHes are in flight at once: enough to write 10,000 statuses in seconds over
    /// one connection, few enough not to crowd out the watches or trip API priority and fairness.
    public var maxWritesInFlight = 32
    private var previouslyOwned = Set<String>()
    /// The addresses of the last pass: when they change, every Ingress is looked at.
    private var lastDesired: [LoadBalancerIngress]?
    private var written: [String: Written] = [:]
    private var reportedMissingService = false
    private var reportedForbidden = false

    public init(client: KubeAPIClient, source: StatusAddressSource, logger: Logger) {
        self.client = client
        self.source = source
        self.logger = logger
    }

    /// Brings the statuses in line with `outcome`, looking at the Ingresses `examining` names
    /// (nil: all of them; all of them too when the addresses to publish changed). Returns false
    /// when a write failed and should be retried.
    public mutating func apply(_ outcome: ReconcileOutcome, examining keys: Set<String>? = nil) async -> Bool {
        let publishService = source.serviceKey.flatMap { outcome.objects.service($0) }
        guard let desired = StatusComputation.desiredAddresses(source: source, publishService: publishService) else {
            if let key = source.serviceKey, !reportedMissingService {
                reportedMissingService = true
                logger.warning("--publish-service \(key) not found; Ingress status is not written until it exists")
            }
            return true
        }
        reportedMissingService = false
        let examined = desired == lastDesired ? keys : nil
        lastDesired = desired
        let owned = outcome.result.ownedIngresses
        let ingresses = examined.map { $0.compactMap { outcome.objects.ingresses[$0] } }
            ?? Array(outcome.objects.ingresses.values)
        let updates = StatusComputation.updates(
            ingresses: ingresses, owned: owned, previouslyOwned: previouslyOwned, desired: desired)
        previouslyOwned = owned
        for key in examined.map(Array.init) ?? Array(written.keys)
        where outcome.objects.ingresses[key]?.metadata.resourceVersion != written[key]?.resourceVersionBefore {
            written[key] = nil
        }
        let pending = updates.compactMap { update -> (StatusUpdate, Written)? in
            let before = outcome.objects.ingresses[update.key]?.metadata.resourceVersion
            let write = Written(resourceVersionBefore: before, addresses: update.addresses)
            return written[update.key] == write ? nil : (update, write)
        }
        let writer = self
        var succeeded = true
        var results = await withTaskGroup(of: (StatusUpdate, Written, WriteResult).self) { group in
            var results: [(StatusUpdate, Written, WriteResult)] = []
            var next = pending.makeIterator()
            for _ in 0..<maxWritesInFlight {
                guard let (update, write) = next.next() else { break }
                group.addTask { (update, write, await writer.patchResult(update)) }
            }
            while let result = await group.next() {
                results.append(result)
                if let (update, write) = next.next() {
                    group.addTask { (update, write, await writer.patchResult(update)) }
                }
            }
            return results
        }
        results.sort { $0.0.key < $1.0.key }
        for (update, write, result) in results {
            switch result {
            case .written: written[update.key] = write
            case .gone: break
            case .forbidden(let message):
                if !reportedForbidden {
                    reportedForbidden = true
                    logger.error(
                        "forbidden: cannot patch ingresses.networking.k8s.io/status — the ClusterRole needs patch on ingresses/status (server said: \(message))"
                    )
                }
                succeeded = false
            case .cancelled:
                return false
            case .failed(let error):
                logger.warning("writing Ingress status failed, will retry", metadata: ["ingress": "\(update.key)", "error": "\(error)"])
                succeeded = false
            }
        }
        return succeeded
    }

    private enum WriteResult: Sendable {
        case written
        /// The Ingress is gone (404): nothing to write.
        case gone
        case forbidden(String)
        case cancelled
        case failed(String)
    }

    private func patchResult(_ update: StatusUpdate) async -> WriteResult {
        do {
            try await patch(update)
            return .written
        } catch KubeAPIError.notFound {
            return .gone
        } catch KubeAPIError.forbidden(_, _, let message) {
            return .forbidden(message)
        } catch is CancellationError {
            return .cancelled
        } catch {
            return .failed("\(error)")
        }
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
