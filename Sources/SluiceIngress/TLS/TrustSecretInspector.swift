import Foundation
import KubeModels
import SwiftASN1
import X509

/// Checks the Secret of `proxy-ssl-secret` the way the proxy will use it: its `ca.crt` holds PEM
/// certificates, the ones trusted to sign the backend's. Any type of Secret will do (ingress-nginx
/// reads `Opaque` ones as well as `kubernetes.io/tls` ones, such as cert-manager's, which carry a
/// `ca.crt`). What is trusted are the certificates that parse and are valid at `now`; at least
/// one must be.
enum TrustSecretInspector {
    struct Inspected: Hashable, Sendable {
        /// The trusted certificates, as PEM.
        var certificatesPEM: String
        /// The Secret also holds `tls.crt` and `tls.key`: a client certificate, which ingress-nginx
        /// presents to the backend and Sluice does not.
        var hasClientCertificate: Bool
    }

    static func inspect(_ secret: Secret?, now: Date) -> Result<Inspected, TLSSecretProblem> {
        guard let secret else { return .failure(.notFound) }
        guard let bytes = TLSSecretInspector.value("ca.crt", of: secret) else {
            return .failure(.invalid("has no ca.crt"))
        }
        guard let text = bytes.flatMap({ String(validating: $0, as: UTF8.self) }) else {
            return .failure(.invalid("ca.crt is not valid base64 PEM text"))
        }
        let blocks = PEMBlocks.read(text).map(\.document).filter { $0.discriminator == "CERTIFICATE" }
        let certificates = blocks.compactMap { block in
            (try? Certificate(derEncoded: block.derBytes)).map { (block, $0) }
        }
        guard !certificates.isEmpty else { return .failure(.invalid("ca.crt holds no PEM certificate")) }
        let valid = certificates.filter { $0.1.notValidBefore <= now && now <= $0.1.notValidAfter }
        guard !valid.isEmpty else {
            let latest = certificates.map(\.1.notValidAfter).max() ?? now
            return latest < now ? .failure(.expired(latest)) : .failure(.notYetValid(certificates.map(\.1.notValidBefore).min() ?? now))
        }
        let keys = Set((secret.data ?? [:]).keys).union((secret.stringData ?? [:]).keys)
        return .success(Inspected(
            certificatesPEM: valid.map { $0.0.pemString + "\n" }.joined(),
            hasClientCertificate: keys.contains("tls.crt") && keys.contains("tls.key")))
    }
}
