import Foundation
import KubeModels
import SluiceIngress
import SluiceTestSupport

/// Fixed dates for certificate tests: "now" is 2030-06-01; the default leaf is valid for 2030.
enum TLSFixtures {
    static let now = date("2030-06-01T00:00:00Z")
    static let yearStart = date("2030-01-01T00:00:00Z")
    static let yearEnd = date("2031-01-01T00:00:00Z")
    static let options = TranslationOptions(servesClasslessWithoutIngressClasses: true)

    static func date(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    static func leaf(
        _ ca: TestCertificateAuthority, _ names: [String], from: Date = yearStart, to: Date = yearEnd,
        key: TestCertificateAuthority.KeyAlgorithm = .ecdsaP256, encoding: TestCertificateAuthority.KeyEncoding = .pkcs8
    ) throws -> TestCertificate {
        try ca.issue(dnsNames: names, notValidBefore: from, notValidAfter: to, keyAlgorithm: key, keyEncoding: encoding)
    }

    static func service() -> Service {
        Service(metadata: ObjectMeta(name: "web", namespace: "default"), spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80)]))
    }

    /// An Ingress `shop` routing `/` of each host to `web`, with `tls` entries (hosts, secret).
    static func ingress(
        _ name: String = "shop", created: String = "2026-01-01T00:00:00Z", hosts: [String], tls: [(hosts: [String], secret: String)]
    ) -> Ingress {
        let rules = hosts.map { host in
            IngressRule(host: host, http: HTTPIngressRuleValue(paths: [
                HTTPIngressPath(path: "/", pathType: .prefix, backend: IngressBackend(
                    service: IngressServiceBackend(name: "web", port: ServiceBackendPort(number: 80)))),
            ]))
        }
        return Ingress(
            metadata: ObjectMeta(name: name, namespace: "default", creationTimestamp: created),
            spec: IngressSpec(tls: tls.map { IngressTLS(hosts: $0.hosts, secretName: $0.secret) }, rules: rules)
        )
    }
}
