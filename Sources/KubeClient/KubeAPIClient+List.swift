import Foundation

extension KubeAPIClient {
    /// LISTs every object under `path`, following `continue` tokens page by page.
    ///
    /// When a continue token has expired (410), the list restarts from the first page, up to
    /// `maxRestarts` times; the result is always one complete, consistent list.
    ///
    /// An item that cannot be decoded as `T` is left out, logged, and reported in
    /// ``ObjectList/skippedItems``; the other items are returned.
    public func list<T: Decodable & Sendable>(
        _ path: KubeResourcePath, as type: T.Type, limit: Int = 500, labelSelector: String? = nil,
        fieldSelector: String? = nil, maxRestarts: Int = 3
    ) async throws -> ObjectList<T> {
        var restarts = 0
        var items: [T] = []
        var skipped: [SkippedListItem] = []
        var continueToken: String?
        while true {
            var query: [(String, String)] = [("limit", String(limit))]
            if let labelSelector { query.append(("labelSelector", labelSelector)) }
            if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
            if let continueToken { query.append(("continue", continueToken)) }
            let body: Data
            do {
                body = try await send(
                    makeRequest(method: "GET", path: path, query: query, timeout: requestTimeout), verb: "list",
                    path: path)
            } catch KubeAPIError.gone(let message) where continueToken != nil {
                guard restarts < maxRestarts else { throw KubeAPIError.gone(message: message) }
                restarts += 1
                items.removeAll()
                skipped.removeAll()
                continueToken = nil
                continue
            }
            let page = try decode(ListPage<T>.self, from: body)
            for item in page.items ?? [] {
                switch item {
                case .decoded(let object): items.append(object)
                case .skipped(let problem): skipped.append(problem)
                }
            }
            if let next = page.metadata?.continue, !next.isEmpty {
                continueToken = next
            } else {
                for problem in skipped {
                    logger.warning(
                        "skipping a listed object that could not be decoded",
                        metadata: ["path": "\(path.path)", "object": "\(problem)"])
                }
                return ObjectList(
                    items: items, resourceVersion: page.metadata?.resourceVersion ?? "", skippedItems: skipped)
            }
        }
    }
}
