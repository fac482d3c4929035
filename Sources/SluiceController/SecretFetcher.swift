import KubeClient
import KubeModels
import Logging

/// GETs, by name, each Secret the cache asks for on ``ObjectCache/secretFetches`` (a Secret an
/// Ingress started to reference while the cache held it without its data), and hands the result
/// back to the cache, which decides whether to keep it (``SecretRetention``). A failed GET (403,
/// 5xx, a broken connection) is retried with the reflectors' backoff for as long as the cache
/// still wants the data; 404 means the Secret is gone.
struct SecretFetcher: Sendable {
    let client: KubeAPIClient
    let cache: ObjectCache
    let configuration: ReflectorConfiguration
    let logger: Logger

    /// Runs until the task is cancelled (or the cache finishes its fetch requests).
    func run() async {
        await withDiscardingTaskGroup { group in
            for await key in cache.secretFetches {
                group.addTask { await fetch(key) }
            }
        }
    }

    private func fetch(_ key: String) async {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            _ = await cache.fetched(key, .notFound)
            return
        }
        let path = KubeResourcePath.secrets.namespace(parts[0]).named(parts[1])
        var backoff = configuration.backoff
        while !Task.isCancelled {
            let result: SecretRetention.FetchResult
            var failure: ReflectorFailure?
            do {
                result = .found(try await client.get(path, as: Secret.self))
            } catch KubeAPIError.notFound {
                result = .notFound
            } catch {
                if Task.isCancelled { return }
                result = .failed
                failure = ReflectorFailure.classify(error, verb: "get", path: path)
            }
            guard await cache.fetched(key, result) else { return }
            var delay = backoff.next(random: configuration.random())
            if case .throttled(let retryAfter?) = failure { delay = max(delay, retryAfter) }
            logger.warning(
                "could not read a newly referenced Secret; its hosts get the default certificate until it is read",
                metadata: ["secret": "\(key)", "error": "\(failure.map { "\($0)" } ?? "")", "retryIn": "\(delay)"])
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }
}
