import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import SluiceRouting

/// The TLS handler of a connection whose server name asks for a client certificate
/// (`ClientCertificateHosts`): the context that requests one without requiring it, and a
/// verification callback that accepts every certificate (what passes is decided per request, as
/// nginx does) and records what `ClientCertificateVerifier` made of it in ``facts``.
final class ClientCertificateHandshake: Sendable {
    private let recorded: NIOLockedValueBox<ClientCertificateFacts>

    init(trust: ClientCertificateAuth.Trust) {
        recorded = NIOLockedValueBox(ClientCertificateFacts(trust: trust, outcome: .none))
    }

    /// What the handshake established: `NONE` until (unless) the client sends a certificate.
    /// Read once the handshake has completed.
    var facts: ClientCertificateFacts { recorded.withLockedValue { $0 } }

    /// The server handler for `context` (one with `certificateVerification` `.optionalVerification`).
    func serverHandler(context: NIOSSLContext) -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context) { [self] certificates, promise in
            // On the connection's event loop; the chain is checked off it and the handshake
            // resumes when the promise completes.
            let chain = certificates.compactMap { try? $0.toDERBytes() }
            let trust = facts.trust
            Task {
                let facts = await ClientCertificateVerifier.verify(chain: chain, trust: trust, now: Date())
                self.recorded.withLockedValue { $0 = facts }
                promise.succeed(.certificateVerified)
            }
        }
    }
}
