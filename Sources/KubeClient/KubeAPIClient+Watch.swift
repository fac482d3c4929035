import Foundation

extension KubeAPIClient {
    /// WATCHes `path` from `resourceVersion`, decoding events as each line arrives.
    ///
    /// The stream ends normally when the server ends the response (after `timeoutSeconds`; watch
    /// again from the last version seen), throws ``KubeAPIError`` on a non-2xx answer or when the
    /// connection breaks, and reports undecodable lines as
    /// ``WatchEvent/decodingFailed(line:error:)`` without ending. A too-old version arrives as
    /// ``WatchEvent/error(_:)`` with code 410: relist. Cancelling the consuming task, or
    /// dropping the stream, aborts the transfer.
    public func watch<T: Decodable & Sendable>(
        _ path: KubeResourcePath, resourceVersion: String, timeoutSeconds: Int, allowBookmarks: Bool = true,
        labelSelector: String? = nil, fieldSelector: String? = nil, as type: T.Type
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        var query: [(String, String)] = [("watch", "1"), ("resourceVersion", resourceVersion)]
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        query.append(("timeoutSeconds", String(timeoutSeconds)))
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        // A dead connection that never closes must not hang a watch forever.
        let request = makeRequest(
            method: "GET", path: path, query: query, timeout: .seconds(timeoutSeconds) + requestTimeout)

        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchEvent<T>.self)
        let transfer = CurlTransfer(
            request: request,
            handler: WatchResponseHandler<T>(path: path, continuation: continuation, failed: requestFailed))
        continuation.onTermination = { [loop] _ in loop.cancel(transfer) }
        loop.submit(transfer)
        return stream
    }
}
