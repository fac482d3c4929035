import Foundation
import Logging

/// A client of one Kubernetes API server, over libcurl.
///
/// All transfers run on one dedicated libcurl thread (see ``CurlMultiLoop``); the async methods
/// only wait. Cancelling the calling task aborts its transfer. Errors are ``KubeAPIError``s (or
/// `CancellationError`). Dropping the client lets requests and watches in flight finish; the
/// libcurl thread ends after the last one.
public final class KubeAPIClient: Sendable {
    public let config: KubeConfig
    /// Limit for one non-watch request, connection included.
    public let requestTimeout: Duration
    public let connectTimeout: Duration
    /// Where the client reports what it skips (undecodable LIST items).
    public let logger: Logger
    /// Told of every request that failed with an error answer (non-2xx) or without an answer
    /// (``KubeAPIError/transport(curlCode:message:)``), WATCHes included; not of cancelled ones.
    /// Called on whichever thread noticed the failure; for metrics.
    let requestFailed: @Sendable (KubeAPIError) -> Void
    let loop = CurlMultiLoop()
    private let token: BearerTokenReader?

    public init(
        config: KubeConfig, requestTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "sluice.kube-client"),
        requestFailed: @escaping @Sendable (KubeAPIError) -> Void = { _ in }
    ) {
        self.config = config
        self.logger = logger
        self.requestFailed = requestFailed
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.token = config.bearerToken.map(BearerTokenReader.init(source:))
    }

    deinit {
        loop.shutdownWhenIdle()
    }

    /// Aborts every request and watch in flight (requests throw `CancellationError`, watch
    /// streams end) and stops the libcurl thread. The client is unusable afterwards: later
    /// requests throw `CancellationError` at once and later watches end at once.
    public func shutdown() {
        loop.shutdown()
    }

    /// A request to `path` with the configured credentials. `timeout: nil` means no limit.
    func makeRequest(
        method: String, path: KubeResourcePath, query: [(String, String)] = [], body: Data? = nil,
        contentType: String? = nil, timeout: Duration?
    ) -> CurlRequest {
        var headers = ["Accept: application/json", "User-Agent: sluice"]
        if let bearer = token?.currentToken(), !bearer.isEmpty { headers.append("Authorization: Bearer \(bearer)") }
        if let contentType { headers.append("Content-Type: \(contentType)") }
        return CurlRequest(
            method: method, url: config.server + path.path + Self.queryString(query), headers: headers, body: body,
            tls: CurlTLSOptions(config: config), timeout: timeout, connectTimeout: connectTimeout)
    }

    /// Performs `request` and returns the body of a 2xx answer; other answers throw the matching
    /// ``KubeAPIError``.
    func send(_ request: CurlRequest, verb: String, path: KubeResourcePath) async throws -> Data {
        let handler = BufferedResponseHandler()
        let transfer = CurlTransfer(request: request, handler: handler)
        let response: CurlResponse
        do {
            response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    handler.continuation = continuation
                    loop.submit(transfer)
                }
            } onCancel: { [loop] in
                loop.cancel(transfer)
            }
        } catch let error as KubeAPIError {
            requestFailed(error)
            throw error
        }
        guard (200..<300).contains(response.statusCode) else {
            let error = KubeAPIError.from(
                statusCode: response.statusCode, headers: response.headers, body: response.body, verb: verb,
                path: path)
            requestFailed(error)
            throw error
        }
        return response.body
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(KubeAPIError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .decoding("\(T.self): \(error)")
        }
    }

    func encode(_ value: some Encodable) throws(KubeAPIError) -> Data {
        do {
            return try JSONEncoder().encode(value)
        } catch {
            throw .decoding("cannot encode \(type(of: value)): \(error)")
        }
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
