import Foundation
import SluiceTestSupport

/// Certificates for golden cases, made by the tests: a case declares them in lines such as
/// `# certificate: shop dns=shop.com,*.shop.com from=2030-01-01T00:00:00Z to=2031-01-01T00:00:00Z`
/// (`from`/`to` optional: all of 2030; `keyOf=other` takes another certificate's key) and
/// uses `${shop.crt}` and `${shop.key}` for the base64 values of its Secrets.
///
/// They come from a seeded `TestCertificateAuthority`: the same bytes, hence the same
/// fingerprints in the `.routes` files, in every run.
enum GoldenCertificates {
    static let authority = try! TestCertificateAuthority(seed: "sluice-golden")

    static func expand(_ yaml: String) throws -> String {
        var certificates: [String: TestCertificate] = [:]
        var expanded = yaml
        for line in yaml.split(separator: "\n") where line.hasPrefix("# certificate: ") {
            let words = line.dropFirst("# certificate: ".count).split(separator: " ").map(String.init)
            guard let name = words.first else { continue }
            var settings: [String: String] = [:]
            for word in words.dropFirst() {
                let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { settings[pair[0]] = pair[1] }
            }
            var certificate = try authority.issue(
                dnsNames: settings["dns"]?.split(separator: ",").map(String.init) ?? [],
                notValidBefore: TLSFixtures.date(settings["from"] ?? "2030-01-01T00:00:00Z"),
                notValidAfter: TLSFixtures.date(settings["to"] ?? "2031-01-01T00:00:00Z"))
            if let other = settings["keyOf"], let donor = certificates[other] {
                certificate = certificate.withPrivateKey(donor.privateKeyPEM)
            }
            certificates[name] = certificate
        }
        for (name, certificate) in certificates {
            expanded = expanded
                .replacingOccurrences(of: "${\(name).crt}", with: Data(certificate.chainPEM.utf8).base64EncodedString())
                .replacingOccurrences(of: "${\(name).key}", with: Data(certificate.privateKeyPEM.utf8).base64EncodedString())
        }
        return expanded
    }
}
