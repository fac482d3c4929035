import Foundation

/// Everything libcurl needs for one HTTP exchange.
struct CurlRequest: Sendable {
    var method: String
    var url: String
    /// `Name: value` lines.
    var headers: [String]
    var body: Data?
    var tls: CurlTLSOptions
    /// Whole-transfer limit; nil for none.
    var timeout: Duration?
    var connectTimeout: Duration
}

/// Server verification and client identity.
struct CurlTLSOptions: Sendable, Hashable {
    var certificateAuthority: PEMSource?
    var clientCertificate: PEMSource?
    var clientKey: PEMSource?
    var insecureSkipVerify: Bool

    init(config: KubeConfig) {
        certificateAuthority = config.certificateAuthority
        clientCertificate = config.clientCertificate
        clientKey = config.clientKey
        insecureSkipVerify = config.insecureSkipTLSVerify
    }
}

/// How a transfer ended, from libcurl's point of view (HTTP status codes are not failures here).
enum CurlOutcome: Sendable {
    case completed
    case failed(curlCode: Int, message: String)
    case cancelled
}

/// Receives one transfer's response. Called only on the ``CurlMultiLoop`` thread, in order:
/// `head` once (before any body, or at completion), `body` per chunk, `finished` once.
protocol CurlResponseHandler: AnyObject {
    func head(statusCode: Int, headers: HTTPHeaderList)
    func body(_ bytes: UnsafeRawBufferPointer)
    func finished(_ outcome: CurlOutcome)
}
