import Foundation
import SluiceRouting
import SwiftASN1
import X509

/// Checks a client's certificate chain, as its TLS handshake presented it, against a
/// `ClientCertificateAuth.Trust` (swift-certificates' RFC 5280 path building): the facts the
/// connection keeps. Never throws and never refuses: what passes is decided per request
/// (`ClientCertificateDecision`), as nginx decides it after an accepting handshake.
enum ClientCertificateVerifier {
    /// `chain`: the DER certificates the client sent, its own first (empty: it sent none).
    static func verify(chain: [[UInt8]], trust: ClientCertificateAuth.Trust, now: Date) async -> ClientCertificateFacts {
        guard let leafDER = chain.first else { return ClientCertificateFacts(trust: trust, outcome: .none) }
        guard let leaf = try? Certificate(derEncoded: leafDER) else {
            return ClientCertificateFacts(trust: trust, outcome: .failed("unable to decode the certificate"))
        }
        let intermediates = chain.dropFirst().compactMap { try? Certificate(derEncoded: $0) }
        let outcome = await outcome(of: leaf, intermediates: intermediates, trust: trust, now: now)
        return ClientCertificateFacts(
            trust: trust, outcome: outcome, subjectDN: leaf.subject.description, issuerDN: leaf.issuer.description,
            escapedPEM: (try? leaf.serializeAsPEM().pemString + "\n").map(escaped))
    }

    private static func outcome(
        of leaf: Certificate, intermediates: [Certificate], trust: ClientCertificateAuth.Trust, now: Date
    ) async -> ClientCertificateFacts.Outcome {
        if now > leaf.notValidAfter { return .failed("certificate has expired") }
        if now < leaf.notValidBefore { return .failed("certificate is not yet valid") }
        let roots = (try? PEMDocument.parseMultiple(pemString: trust.certificatesPEM))?
            .compactMap { try? Certificate(derEncoded: $0.derBytes) } ?? []
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) { RFC5280Policy() }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate(let validated):
            // nginx's depth counts the CAs above the client's certificate.
            return validated.count - 1 <= trust.depth ? .verified : .failed("certificate chain too long")
        case .couldNotValidate:
            return .failed(intermediates.isEmpty ? "unable to get local issuer certificate" : "unable to verify the first certificate")
        }
    }

    /// `text` escaped as nginx's `$ssl_client_escaped_cert` (a URI component: all but letters,
    /// digits and `-._~` as `%XX`).
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count * 5 / 4)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return out
    }
}
