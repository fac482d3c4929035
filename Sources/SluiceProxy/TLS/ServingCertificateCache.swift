import NIOConcurrencyHelpers
import NIOSSL
import SluiceRouting

/// The routing table's certificates as swift-nio-ssl takes them, parsed once per distinct
/// certificate and shared by every connection and every table generation that has it: parsing
/// costs far more than a lookup, and a rotated Secret is a new certificate, parsed on its first
/// handshake. Certificates no longer in the table are dropped as new ones come.
final class ServingCertificateCache: Sendable {
    struct Parsed: Sendable {
        let chain: [NIOSSLCertificateSource]
        let key: NIOSSLPrivateKeySource
    }

    private let parsed = NIOLockedValueBox<[ServingCertificate: Parsed]>([:])

    /// The handshake override that presents `certificate`, or nil if swift-nio-ssl cannot read
    /// it (translation checked it with swift-certificates; the default is served then).
    /// `current`: the table it came from, whose certificates stay cached.
    func override(for certificate: ServingCertificate, current: CertificateTable) -> NIOSSLContextConfigurationOverride? {
        let cached = parsed.withLockedValue { $0[certificate] }
        guard let entry = cached ?? parse(certificate, current: current) else { return nil }
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = entry.chain
        override.privateKey = entry.key
        return override
    }

    private func parse(_ certificate: ServingCertificate, current: CertificateTable) -> Parsed? {
        guard let chain = try? NIOSSLCertificate.fromPEMBytes(Array(certificate.chainPEM.utf8)), !chain.isEmpty,
            let key = try? NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)
        else { return nil }
        let entry = Parsed(chain: chain.map { .certificate($0) }, key: .privateKey(key))
        parsed.withLockedValue { cache in
            if cache.count >= 2 * current.certificates.count + 8 {
                let keep = current.certificates
                cache = cache.filter { keep.contains($0.key) }
            }
            cache[certificate] = entry
        }
        return entry
    }

    /// Certificates parsed and kept.
    var count: Int { parsed.withLockedValue { $0.count } }
}
