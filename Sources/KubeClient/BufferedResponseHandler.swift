import Foundation

/// A whole response in memory.
struct CurlResponse: Sendable {
    var statusCode: Int
    var headers: HTTPHeaderList
    var body: Data
}

/// Collects a response and resumes the waiting caller when the transfer ends.
final class BufferedResponseHandler: CurlResponseHandler {
    /// Set before the transfer is submitted.
    var continuation: CheckedContinuation<CurlResponse, any Error>?
    private var response = CurlResponse(statusCode: 0, headers: HTTPHeaderList(), body: Data())

    func head(statusCode: Int, headers: HTTPHeaderList) {
        response.statusCode = statusCode
        response.headers = headers
    }

    func body(_ bytes: UnsafeRawBufferPointer) {
        response.body.append(contentsOf: bytes)
    }

    func finished(_ outcome: CurlOutcome) {
        switch outcome {
        case .completed: continuation?.resume(returning: response)
        case .failed(let code, let message):
            continuation?.resume(throwing: KubeAPIError.transport(curlCode: code, message: message))
        case .cancelled: continuation?.resume(throwing: CancellationError())
        }
        continuation = nil
    }
}
