import Foundation

/// Decodes a WATCH response line by line as chunks arrive and feeds the events to a stream.
///
/// A non-2xx answer ends the stream with the matching ``KubeAPIError``; a broken connection with
/// ``KubeAPIError/transport(curlCode:message:)``; the server ending the response ends it normally.
final class WatchResponseHandler<Object: Decodable & Sendable>: CurlResponseHandler {
    private let continuation: AsyncThrowingStream<WatchEvent<Object>, any Error>.Continuation
    private let path: KubeResourcePath
    /// ``KubeAPIClient``'s `requestFailed`.
    private let failed: @Sendable (KubeAPIError) -> Void
    private let decoder = JSONDecoder()
    private var lines = JSONLineBuffer()
    private var statusCode = 0
    private var headers = HTTPHeaderList()
    private var errorBody = Data()
    /// The stream was ended early (an over-long line); what still arrives is ignored.
    private var abandoned = false

    init(
        path: KubeResourcePath, continuation: AsyncThrowingStream<WatchEvent<Object>, any Error>.Continuation,
        failed: @escaping @Sendable (KubeAPIError) -> Void = { _ in }
    ) {
        self.path = path
        self.failed = failed
        self.continuation = continuation
    }

    private var succeeded: Bool { (200..<300).contains(statusCode) }

    func head(statusCode: Int, headers: HTTPHeaderList) {
        self.statusCode = statusCode
        self.headers = headers
    }

    func body(_ bytes: UnsafeRawBufferPointer) {
        guard !abandoned else { return }
        guard succeeded else {
            errorBody.append(contentsOf: bytes)
            return
        }
        do {
            for line in try lines.append(bytes) {
                continuation.yield(WatchEventDecoding.decode(line, as: Object.self, decoder: decoder))
            }
        } catch {
            // Ending the stream cancels the transfer (see `KubeAPIClient.watch`).
            abandoned = true
            continuation.finish(
                throwing: KubeAPIError.decoding(
                    "a watch event line passed \(error.limit) bytes without ending"))
        }
    }

    func finished(_ outcome: CurlOutcome) {
        guard !abandoned else { return }
        switch outcome {
        case .completed where succeeded:
            if let last = lines.finish() {
                continuation.yield(WatchEventDecoding.decode(last, as: Object.self, decoder: decoder))
            }
            continuation.finish()
        case .completed:
            fail(KubeAPIError.from(statusCode: statusCode, headers: headers, body: errorBody, verb: "watch", path: path))
        case .failed(let code, let message):
            fail(KubeAPIError.transport(curlCode: code, message: message))
        case .cancelled:
            continuation.finish()
        }
    }

    private func fail(_ error: KubeAPIError) {
        failed(error)
        continuation.finish(throwing: error)
    }
}
