import NIOCore
import NIOSSL
import SluiceRouting

/// TLS to backends with one `UpstreamTLS` setting: its client context, made once and shared by
/// every event loop (a context is costly: a trust store, BoringSSL's `SSL_CTX`), and the id that
/// keeps its connections apart from plain ones and other settings' in the pool.
final class UpstreamTLSClient: Sendable {
    /// Unique among the clients of one ``UpstreamTLSClients``, never 0 (plain TCP's), never reused.
    let id: Int
    let settings: UpstreamTLS
    /// The SNI sent and the name verified: the setting's server name unless it is an IP address
    /// (never sent as SNI; the certificate's IP addresses are checked against the endpoint's).
    let hostname: String?
    private let context: Result<NIOSSLContext, UpstreamTLSFailure>

    init(id: Int, settings: UpstreamTLS, applicationProtocols: [String]) {
        self.id = id
        self.settings = settings
        self.hostname = settings.serverName.flatMap { IPAddress($0) == nil ? $0 : nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = settings.verify ? .fullVerification : .none
        configuration.applicationProtocols = applicationProtocols
        self.context = Result {
            if let pem = settings.trustedCertificatesPEM {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
            }
            return try NIOSSLContext(configuration: configuration)
        }.mapError { UpstreamTLSFailure(reason: "the TLS client could not be set up: \($0)") }
    }

    /// The handler that speaks TLS on a new connection (the handshake starts when it connects).
    func makeHandler() throws -> NIOSSLClientHandler {
        do {
            return try NIOSSLClientHandler(context: context.get(), serverHostname: hostname)
        } catch let failure as UpstreamTLSFailure {
            throw failure
        } catch {
            throw UpstreamTLSFailure(reason: "the TLS client could not be set up: \(error)")
        }
    }
}

/// Why TLS to a backend failed: the attempt fails (`502`) and the reason is logged.
struct UpstreamTLSFailure: Error, Hashable, Sendable, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
