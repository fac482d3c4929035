import NIOCore
import NIOSSL
import SluiceRouting

/// TLS to backends with one `UpstreamTLS` setting: the name it sends and verifies, the client
/// context it hand-shakes with, and the id that keeps its connections apart from plain ones and
/// other settings' in the pool (a connection verified for one name is never reused for another).
final class UpstreamTLSClient: Sendable {
    /// Unique among the clients of one ``UpstreamTLSClients``, never 0 (plain TCP's), never reused.
    let id: Int
    let settings: UpstreamTLS
    /// The SNI sent and the name verified: the setting's server name unless it is an IP address
    /// (never sent as SNI; the certificate's IP addresses are checked against the endpoint's).
    let hostname: String?
    /// Shared by every setting with the same trust (see ``UpstreamTLSClients``).
    private let context: Result<NIOSSLContext, UpstreamTLSFailure>

    init(id: Int, settings: UpstreamTLS, context: Result<NIOSSLContext, UpstreamTLSFailure>) {
        self.id = id
        self.settings = settings
        self.hostname = settings.serverName.flatMap { IPAddress($0) == nil ? $0 : nil }
        self.context = context
    }

    /// A client context: verification as `settings` say (the name is the handler's), TLS 1.2 or
    /// later, `applicationProtocols` offered by ALPN.
    static func makeContext(
        verify: Bool, trustedCertificatesPEM: String?, applicationProtocols: [String]
    ) -> Result<NIOSSLContext, UpstreamTLSFailure> {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = verify ? .fullVerification : .none
        configuration.applicationProtocols = applicationProtocols
        return Result {
            if let pem = trustedCertificatesPEM {
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
