import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate the HTTPS listener presents when no other applies (no SNI match and no
/// `--default-ssl-certificate`): self-signed, made at start with a fresh P-256 key, as
/// ingress-nginx serves its "Kubernetes Ingress Controller Fake Certificate". Clients that verify
/// refuse it, which is the point: a host without a certificate of its own is not vouched for.
struct GeneratedCertificate: Sendable {
    let certificatePEM: String
    let privateKeyPEM: String
    /// SHA-256 of the certificate's DER, lowercase hex (logged once at start).
    let fingerprint: String

    static let commonName = "Sluice Ingress Controller Fake Certificate"

    /// A new certificate valid from an hour ago (clock skew) for a year.
    static func make(now: Date = Date()) throws -> GeneratedCertificate {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Sluice")
            CommonName(commonName)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 365 * 24 * 3600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                KeyUsage(digitalSignature: true)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("ingress.local")])
            },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        let fingerprint = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        return GeneratedCertificate(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation,
            fingerprint: fingerprint)
    }
}
