import Crypto
import Foundation
import KubeModels
import SwiftASN1
import X509
import _CryptoExtras

/// A certificate authority made by the tests, with swift-certificates and swift-crypto: it
/// issues leaf certificates (with DNS and IP SANs, any validity window, RSA or ECDSA keys in
/// any of the PEM encodings a `kubernetes.io/tls` Secret may hold) and intermediates, all as PEM.
///
/// Made with a `seed`, an authority and what it issues are the same bytes in every run (an
/// Ed25519 CA key, whose signatures are deterministic, and P-256 leaf keys, both derived from the
/// seed): fingerprints can then appear in golden files. RSA keys are always random.
///
/// ```swift
/// let ca = try TestCertificateAuthority()
/// let leaf = try ca.issue(dnsNames: ["a.example.com", "*.example.com"])
/// // leaf.chainPEM → tls.crt, leaf.privateKeyPEM → tls.key, ca.certificatePEM → the client's trust root
/// ```
public struct TestCertificateAuthority: Sendable {
    public enum KeyAlgorithm: Sendable {
        case ecdsaP256
        case rsa2048
    }

    /// How a private key is written: `pkcs8` (`PRIVATE KEY`, either algorithm), `sec1`
    /// (`EC PRIVATE KEY`, ECDSA only) or `pkcs1` (`RSA PRIVATE KEY`, RSA only).
    public enum KeyEncoding: Sendable {
        case pkcs8
        case sec1
        case pkcs1
    }

    /// This authority's own certificate: the trust root a verifying client is given (for an
    /// intermediate, give it the root's).
    public let certificatePEM: String
    /// The intermediates from this authority up to (not including) the root, this one first;
    /// empty for a root. A leaf's chain is the leaf followed by these.
    public let intermediatesPEM: [String]
    let name: DistinguishedName
    let key: Certificate.PrivateKey
    let signatureAlgorithm: Certificate.SignatureAlgorithm
    let seed: String?

    /// A self-signed root. Its validity defaults to a window around any date a test uses
    /// (2000 to 2100), so that only leaves decide what is expired.
    public init(
        commonName: String = "Sluice Test CA",
        seed: String? = nil,
        notValidBefore: Date = Date(timeIntervalSince1970: 946_684_800),
        notValidAfter: Date = Date(timeIntervalSince1970: 4_102_444_800)
    ) throws {
        let name = try DistinguishedName { CommonName(commonName) }
        let (key, algorithm) = try Self.authorityKey(seed: seed.map { "\($0)/ca" })
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Self.serialNumber(seed: seed.map { "\($0)/ca" }),
            publicKey: key.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: algorithm,
            extensions: try Self.authorityExtensions(),
            issuerPrivateKey: key
        )
        self.certificatePEM = try certificate.serializeAsPEM().pemString
        self.intermediatesPEM = []
        self.name = name
        self.key = key
        self.signatureAlgorithm = algorithm
        self.seed = seed
    }

    private init(
        certificatePEM: String, intermediatesPEM: [String], name: DistinguishedName,
        key: Certificate.PrivateKey, signatureAlgorithm: Certificate.SignatureAlgorithm, seed: String?
    ) {
        self.certificatePEM = certificatePEM
        self.intermediatesPEM = intermediatesPEM
        self.name = name
        self.key = key
        self.signatureAlgorithm = signatureAlgorithm
        self.seed = seed
    }

    /// An intermediate CA signed by this one; its leaves' chains carry it.
    public func intermediate(commonName: String = "Sluice Test Intermediate CA") throws -> TestCertificateAuthority {
        let subject = try DistinguishedName { CommonName(commonName) }
        let childSeed = seed.map { "\($0)/\(commonName)" }
        let (childKey, childAlgorithm) = try Self.authorityKey(seed: childSeed)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Self.serialNumber(seed: childSeed),
            publicKey: childKey.publicKey,
            notValidBefore: Date(timeIntervalSince1970: 946_684_800),
            notValidAfter: Date(timeIntervalSince1970: 4_102_444_800),
            issuer: name,
            subject: subject,
            signatureAlgorithm: signatureAlgorithm,
            extensions: try Self.authorityExtensions(),
            issuerPrivateKey: key
        )
        let pem = try certificate.serializeAsPEM().pemString
        return TestCertificateAuthority(
            certificatePEM: pem, intermediatesPEM: [pem] + intermediatesPEM, name: subject,
            key: childKey, signatureAlgorithm: childAlgorithm, seed: childSeed
        )
    }

    /// A server certificate for `dnsNames` (SANs; the first is also the common name) and
    /// `ipAddresses` (IPv4 dotted quads), valid from an hour ago for 30 days unless told.
    /// Under a seeded authority an ECDSA leaf is the same in every run for the same arguments.
    public func issue(
        dnsNames: [String],
        ipAddresses: [String] = [],
        notValidBefore: Date = Date().addingTimeInterval(-3600),
        notValidAfter: Date = Date().addingTimeInterval(30 * 86400),
        keyAlgorithm: KeyAlgorithm = .ecdsaP256,
        keyEncoding: KeyEncoding = .pkcs8
    ) throws -> TestCertificate {
        let leafSeed = seed.map {
            "\($0)/leaf/\(dnsNames.joined(separator: ","))/\(ipAddresses.joined(separator: ","))/\(notValidBefore.timeIntervalSince1970)/\(notValidAfter.timeIntervalSince1970)"
        }
        let leafKey = try Self.leafKey(keyAlgorithm, seed: leafSeed)
        let subject = try DistinguishedName { CommonName(dnsNames.first ?? ipAddresses.first ?? "sluice-test") }
        let names = dnsNames.map { GeneralName.dnsName($0) } + ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: Self.ipv4Bytes($0)[...])) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: keyAlgorithm == .rsa2048))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Self.serialNumber(seed: leafSeed),
            publicKey: leafKey.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: name,
            subject: subject,
            signatureAlgorithm: signatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: key
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        return TestCertificate(
            certificatePEM: try certificate.serializeAsPEM().pemString,
            intermediatesPEM: intermediatesPEM,
            privateKeyPEM: try Self.privateKeyPEM(leafKey, encoding: keyEncoding),
            derBytes: der,
            notValidAfter: notValidAfter
        )
    }

    // MARK: Keys

    private static func authorityKey(seed: String?) throws -> (Certificate.PrivateKey, Certificate.SignatureAlgorithm) {
        guard let seed else {
            return (Certificate.PrivateKey(P256.Signing.PrivateKey()), .ecdsaWithSHA256)
        }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.digest(seed))
        return (Certificate.PrivateKey(key), .ed25519)
    }

    private static func leafKey(_ algorithm: KeyAlgorithm, seed: String?) throws -> LeafKey {
        switch algorithm {
        case .ecdsaP256:
            if let seed {
                return .p256(try P256.Signing.PrivateKey(rawRepresentation: Self.digest(seed)))
            }
            return .p256(P256.Signing.PrivateKey())
        case .rsa2048:
            return .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        }
    }

    private static func privateKeyPEM(_ key: LeafKey, encoding: KeyEncoding) throws -> String {
        switch (key, encoding) {
        case (.p256(let key), .pkcs8): return key.pemRepresentation
        case (.p256(let key), .sec1): return PEMDocument(type: "EC PRIVATE KEY", derBytes: sec1DER(key)).pemString
        case (.rsa(let key), .pkcs8): return key.pkcs8PEMRepresentation
        case (.rsa(let key), .pkcs1): return key.pemRepresentation
        case (.p256, .pkcs1), (.rsa, .sec1): throw TestCertificateError.encodingDoesNotFitKey
        }
    }

    /// RFC 5915 `ECPrivateKey` for P-256 (version 1, the key, the curve's OID, the public
    /// point): fixed-size fields, so the DER is written out directly.
    private static func sec1DER(_ key: P256.Signing.PrivateKey) -> [UInt8] {
        let curveOID: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        var body: [UInt8] = [0x02, 0x01, 0x01, 0x04, 0x20] + Array(key.rawRepresentation)
        body += [0xA0, UInt8(curveOID.count)] + curveOID
        let point = Array(key.publicKey.x963Representation)
        body += [0xA1, UInt8(point.count + 3), 0x03, UInt8(point.count + 1), 0x00] + point
        return [0x30, UInt8(body.count)] + body
    }

    private static func authorityExtensions() throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
        }
    }

    private static func serialNumber(seed: String?) -> Certificate.SerialNumber {
        guard let seed else { return Certificate.SerialNumber() }
        // Positive and without a leading zero byte: DER INTEGER rules.
        var bytes = Array(Self.digest(seed).prefix(16))
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }

    private static func digest(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }

    private static func ipv4Bytes(_ address: String) -> [UInt8] {
        address.split(separator: ".").compactMap { UInt8($0) }
    }
}

private enum LeafKey {
    case p256(P256.Signing.PrivateKey)
    case rsa(_RSA.Signing.PrivateKey)

    var publicKey: Certificate.PublicKey {
        switch self {
        case .p256(let key): Certificate.PublicKey(key.publicKey)
        case .rsa(let key): Certificate.PublicKey(key.publicKey)
        }
    }
}

public enum TestCertificateError: Error {
    /// SEC1 is for ECDSA keys only, PKCS#1 for RSA keys only.
    case encodingDoesNotFitKey
}

/// A leaf certificate issued by a ``TestCertificateAuthority``, with its key, as PEM.
public struct TestCertificate: Sendable {
    /// The leaf alone.
    public let certificatePEM: String
    /// The intermediates that follow the leaf in its chain, nearest first.
    public let intermediatesPEM: [String]
    public let privateKeyPEM: String
    public let derBytes: [UInt8]
    public let notValidAfter: Date

    /// The leaf then its intermediates: what `tls.crt` holds.
    public var chainPEM: String {
        ([certificatePEM] + intermediatesPEM).joined(separator: "\n") + "\n"
    }

    /// SHA-256 of the leaf's DER in lowercase hex (as `ServingCertificate.fingerprint`).
    public var fingerprint: String {
        SHA256.hash(data: derBytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The same certificate with another key (a "key does not match" case).
    public func withPrivateKey(_ privateKeyPEM: String) -> TestCertificate {
        TestCertificate(
            certificatePEM: certificatePEM, intermediatesPEM: intermediatesPEM,
            privateKeyPEM: privateKeyPEM, derBytes: derBytes, notValidAfter: notValidAfter
        )
    }

    /// A `kubernetes.io/tls` Secret holding this certificate, as the API server sends it.
    public func secret(namespace: String = "default", name: String, resourceVersion: String? = nil) -> Secret {
        Secret(
            metadata: ObjectMeta(name: name, namespace: namespace, resourceVersion: resourceVersion),
            type: Secret.tlsType,
            data: [
                "tls.crt": Data(chainPEM.utf8).base64EncodedString(),
                "tls.key": Data(privateKeyPEM.utf8).base64EncodedString(),
            ]
        )
    }

    /// The same Secret as a YAML manifest (`data` base64), for manifest directories.
    public func secretYAML(namespace: String = "default", name: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: \(name)
          namespace: \(namespace)
        type: kubernetes.io/tls
        data:
          tls.crt: \(Data(chainPEM.utf8).base64EncodedString())
          tls.key: \(Data(privateKeyPEM.utf8).base64EncodedString())

        """
    }
}
