import Crypto
import Foundation
import KubeModels
import SluiceRouting
import SwiftASN1
import X509

/// Checks a `kubernetes.io/tls` Secret the way the HTTPS listener will use it: `tls.crt` is a
/// PEM chain (the leaf first), `tls.key` a PEM private key (RSA or ECDSA; PKCS#8, SEC1 or
/// PKCS#1) whose public key is the leaf's, and the leaf is valid at `now`.
///
/// What goes wrong is said without the key: no message quotes `tls.key` or a parser's error
/// about it (a parser may echo what it read).
enum TLSSecretInspector {
    static func inspect(_ secret: Secret?, reference: SecretReference, now: Date) -> Result<InspectedCertificate, TLSSecretProblem> {
        guard let secret else { return .failure(.notFound) }
        guard secret.isTLS else {
            let type = secret.type.map { AnnotationValue.quoted($0) } ?? "absent"
            return .failure(.invalid("has type \(type), not \(Secret.tlsType)"))
        }
        guard let chainBytes = value("tls.crt", of: secret), let keyBytes = value("tls.key", of: secret) else {
            return .failure(.invalid("lacks tls.crt or tls.key"))
        }
        guard let chainText = chainBytes.flatMap({ String(validating: $0, as: UTF8.self) }) else {
            return .failure(.invalid("tls.crt is not valid base64 PEM text"))
        }
        guard let keyText = keyBytes.flatMap({ String(validating: $0, as: UTF8.self) }) else {
            return .failure(.invalid("tls.key is not valid base64 PEM text"))
        }

        let chain: [PEMDocument]
        let leaf: Certificate
        switch parseChain(chainText) {
        case .success(let parsed): (chain, leaf) = parsed
        case .failure(let problem): return .failure(problem)
        }
        let key: PEMDocument
        let privateKey: Certificate.PrivateKey
        switch parseKey(keyText) {
        case .success(let parsed): (key, privateKey) = parsed
        case .failure(let problem): return .failure(problem)
        }
        guard privateKey.publicKey == leaf.publicKey else {
            return .failure(.invalid("tls.key does not match the certificate in tls.crt"))
        }
        if now < leaf.notValidBefore {
            return .failure(.notYetValid(leaf.notValidBefore))
        }
        if now > leaf.notValidAfter {
            return .failure(.expired(leaf.notValidAfter))
        }

        let fingerprint = SHA256.hash(data: chain[0].derBytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        let serving = ServingCertificate(
            chainPEM: chain.map { $0.pemString + "\n" }.joined(),
            privateKeyPEM: key.pemString + "\n",
            source: reference.description,
            fingerprint: fingerprint,
            notAfter: Int64(leaf.notValidAfter.timeIntervalSince1970.rounded(.down))
        )
        return .success(InspectedCertificate(serving: serving, names: CertificateNames(leaf)))
    }

    /// The bytes of `key`: from `stringData` (which wins, as the API server merges it) or
    /// base64 `data`. `nil`: absent; `.some(nil)`: present but not base64.
    static func value(_ key: String, of secret: Secret) -> [UInt8]?? {
        if let text = secret.stringData?[key] { return .some(Array(text.utf8)) }
        guard let encoded = secret.data?[key] else { return nil }
        return .some(Data(base64Encoded: encoded, options: .ignoreUnknownCharacters).map { Array($0) })
    }

    /// The `CERTIFICATE` blocks of `tls.crt`, the leaf first, and the parsed leaf. Other blocks
    /// and text between blocks are ignored, as OpenSSL does.
    private static func parseChain(_ text: String) -> Result<([PEMDocument], Certificate), TLSSecretProblem> {
        let blocks = PEMBlocks.read(text).map(\.document).filter { $0.discriminator == "CERTIFICATE" }
        var certificates: [Certificate] = []
        for (index, block) in blocks.enumerated() {
            guard let certificate = try? Certificate(derEncoded: block.derBytes) else {
                let which = index == 0 ? "the leaf certificate" : "certificate \(index + 1) of the chain"
                return .failure(.invalid("tls.crt: \(which) does not parse"))
            }
            certificates.append(certificate)
        }
        guard let leaf = certificates.first else {
            return .failure(.invalid("tls.crt holds no PEM certificate"))
        }
        return .success((blocks, leaf))
    }

    /// The first private key block of `tls.key` (OpenSSL may put `EC PARAMETERS` before it).
    private static func parseKey(_ text: String) -> Result<(PEMDocument, Certificate.PrivateKey), TLSSecretProblem> {
        let blocks = PEMBlocks.read(text)
        if blocks.contains(where: { $0.isEncrypted || $0.document.discriminator == "ENCRYPTED PRIVATE KEY" }) {
            return .failure(.invalid("tls.key is encrypted; the key must be stored unencrypted"))
        }
        let keyTypes: Set = ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"]
        guard let block = blocks.map(\.document).first(where: { keyTypes.contains($0.discriminator) }) else {
            return .failure(.invalid("tls.key holds no PEM private key (PKCS#8, SEC1 or PKCS#1)"))
        }
        guard let key = try? Certificate.PrivateKey(pemDocument: block) else {
            return .failure(.invalid("tls.key does not parse as an RSA or ECDSA private key"))
        }
        return .success((block, key))
    }
}

/// A Secret that passed ``TLSSecretInspector``: what the listener serves, and the names the
/// leaf is valid for.
struct InspectedCertificate: Hashable, Sendable {
    var serving: ServingCertificate
    var names: CertificateNames
}

/// Why a Secret's certificate is not served.
enum TLSSecretProblem: Error, Hashable, Sendable {
    case notFound
    /// Wrong type, missing keys, PEM that does not decode, a key that does not match.
    case invalid(String)
    case expired(Date)
    case notYetValid(Date)

    var reason: String {
        switch self {
        case .notFound: DiagnosticReason.tlsSecretNotFound
        case .invalid: DiagnosticReason.tlsSecretInvalid
        case .expired: DiagnosticReason.tlsCertificateExpired
        case .notYetValid: DiagnosticReason.tlsCertificateNotYetValid
        }
    }

    /// Follows the Secret's name: `secret default/web-tls <detail>`.
    var detail: String {
        switch self {
        case .notFound: "not found"
        case .invalid(let text): text
        case .expired(let date): "holds a certificate that expired at \(ISO8601.text(date))"
        case .notYetValid(let date): "holds a certificate not valid before \(ISO8601.text(date))"
        }
    }
}

enum ISO8601 {
    /// `2026-11-22T03:15:23Z`.
    static func text(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
