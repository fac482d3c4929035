import Foundation
import KubeModels
import SluiceIngress
import SluiceTestSupport

/// A small cluster with many interactions (shared hosts, path conflicts, several default
/// backends, shared and broken Secrets, missing Services, other classes), changed one object at
/// a time at random.
struct RandomCluster {
    static let namespaces = ["shop", "blog"]
    static let hosts = ["a.example.com", "b.example.com", "*.example.com", "", "c.example.com", "d.example.com", "www.a.example.com"]
    static let paths = ["/", "/api", "/api/v1", "/static", "/api(/|$)(.*)"]
    static let annotationSets: [[String: String]] = [
        [:], [:], [:],
        ["sluice.io/proxy-read-timeout": "5s"],
        ["nginx.ingress.kubernetes.io/proxy-body-size": "lots"],
        ["nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8"],
        ["nginx.ingress.kubernetes.io/enable-modsecurity": "true"],
        ["sluice.io/bogus": "x"],
        // Host-wide effects on other Ingresses: regex paths, the www sibling's redirect.
        ["nginx.ingress.kubernetes.io/use-regex": "true"],
        ["nginx.ingress.kubernetes.io/rewrite-target": "/$2"],
        ["nginx.ingress.kubernetes.io/from-to-www-redirect": "true"],
        [
            "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
            "nginx.ingress.kubernetes.io/proxy-ssl-secret": "shop/ca", "nginx.ingress.kubernetes.io/proxy-ssl-verify": "on",
        ],
        ["nginx.ingress.kubernetes.io/proxy-ssl-secret": "trust", "nginx.ingress.kubernetes.io/proxy-ssl-verify": "on"],
        ["nginx.ingress.kubernetes.io/default-backend": "s2", "nginx.ingress.kubernetes.io/custom-http-errors": "503"],
    ]
    static let authority = try! TestCertificateAuthority(seed: "sluice-incremental")
    static let certificates: [String: TestCertificate] = [
        "cert-a": try! authority.issue(
            dnsNames: ["a.example.com"], notValidBefore: TLSFixtures.yearStart, notValidAfter: TLSFixtures.yearEnd),
        "cert-wild": try! authority.issue(
            dnsNames: ["*.example.com"], notValidBefore: TLSFixtures.yearStart, notValidAfter: TLSFixtures.yearEnd),
        "cert-old": try! authority.issue(
            dnsNames: ["b.example.com"], notValidBefore: TLSFixtures.date("2029-01-01T00:00:00Z"),
            notValidAfter: TLSFixtures.date("2029-06-01T00:00:00Z")),
    ]

    var ingresses: [String: Ingress] = [:]
    var classes: [String: IngressClass] = [:]
    var services: [String: Service] = [:]
    var slices: [String: EndpointSlice] = [:]
    var secrets: [String: Secret] = [:]
    var unloaded: Set<String> = []

    init(random: inout SeededRandom) throws {
        classes["sluice"] = Self.ingressClass(isDefault: false)
        for _ in 0..<12 { addIngress(random: &random) }
        for namespace in Self.namespaces {
            for i in 0..<4 where Bool.random(using: &random) || i < 2 {
                setService(namespace: namespace, index: i, random: &random)
            }
            for name in ["cert-a", "cert-wild", "cert-old", "cert-bad", "ca", "trust"] where Bool.random(using: &random) {
                setSecret(namespace: namespace, name: name, random: &random)
            }
        }
        setSecret(namespace: "edge", name: "default-cert", random: &random)
    }

    var snapshot: ClusterSnapshot {
        ClusterSnapshot(
            ingresses: ingresses.sorted { $0.key < $1.key }.map(\.value),
            ingressClasses: classes.sorted { $0.key < $1.key }.map(\.value),
            services: services.sorted { $0.key < $1.key }.map(\.value),
            endpointSlices: slices.sorted { $0.key < $1.key }.map(\.value),
            secrets: secrets.filter { !unloaded.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value),
            unloadedSecrets: unloaded)
    }

    mutating func change(random: inout SeededRandom) throws {
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1: addIngress(random: &random)
        case 2, 3:
            if let key = ingresses.keys.sorted().randomElement(using: &random) {
                let parts = key.split(separator: "/").map(String.init)
                ingresses[key] = Self.randomIngress(parts[1], namespace: parts[0], random: &random)
            }
        case 4:
            if let key = ingresses.keys.sorted().randomElement(using: &random) { ingresses[key] = nil }
        case 5:
            setService(
                namespace: Self.namespaces.randomElement(using: &random)!, index: Int.random(in: 0..<4, using: &random),
                random: &random)
        case 6:
            if let key = services.keys.sorted().randomElement(using: &random) {
                services[key] = nil
                if Bool.random(using: &random) { slices[key + "-abc"] = nil }
            }
        case 7:
            let name = ["cert-a", "cert-wild", "cert-old", "cert-bad", "ca", "trust"].randomElement(using: &random)!
            setSecret(namespace: Self.namespaces.randomElement(using: &random)!, name: name, random: &random)
        case 8:
            if let key = (Array(secrets.keys) + ["edge/default-cert"]).sorted().randomElement(using: &random) {
                if unloaded.remove(key) == nil { unloaded.insert(key) }
            }
        default:
            if Bool.random(using: &random) {
                classes["sluice"] = Self.ingressClass(isDefault: Bool.random(using: &random))
            } else {
                setSecret(namespace: "edge", name: "default-cert", random: &random)
            }
        }
    }

    private mutating func addIngress(random: inout SeededRandom) {
        let namespace = Self.namespaces.randomElement(using: &random)!
        let name = "i\(Int.random(in: 0..<40, using: &random))"
        ingresses["\(namespace)/\(name)"] = Self.randomIngress(name, namespace: namespace, random: &random)
    }

    private mutating func setService(namespace: String, index: Int, random: inout SeededRandom) {
        let name = "s\(index)"
        services["\(namespace)/\(name)"] = Self.service(name, namespace: namespace, port: [80, 81].randomElement(using: &random)!)
        slices["\(namespace)/\(name)-abc"] = EndpointSlice(
            metadata: ObjectMeta(name: "\(name)-abc", namespace: namespace, labels: [EndpointSlice.serviceNameLabel: name]),
            addressType: "IPv4",
            endpoints: [
                EndpointSliceEndpoint(
                    addresses: ["10.0.0.\(Int.random(in: 1..<4, using: &random))"],
                    conditions: EndpointConditions(ready: Bool.random(using: &random) || Bool.random(using: &random)))
            ],
            ports: [EndpointPort(name: "http", port: 8080, protocol: "TCP")])
    }

    private mutating func setSecret(namespace: String, name: String, random: inout SeededRandom) {
        let key = "\(namespace)/\(name)"
        let certificate = Self.certificates[name] ?? Self.certificates.values.sorted { $0.chainPEM < $1.chainPEM }
            .randomElement(using: &random)!
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            secrets[key] = nil
        case 1:
            secrets[key] = Secret(
                metadata: ObjectMeta(name: name, namespace: namespace), type: Secret.opaqueType,
                stringData: ["ca.crt": Bool.random(using: &random) ? certificate.chainPEM : "not a certificate"])
        default:
            secrets[key] = Secret(
                metadata: ObjectMeta(name: name, namespace: namespace), type: Secret.tlsType,
                stringData: [
                    "tls.crt": name == "cert-bad" ? "garbage" : certificate.chainPEM, "tls.key": certificate.privateKeyPEM,
                ])
        }
    }

    static func randomIngress(_ name: String, namespace: String, random: inout SeededRandom) -> Ingress {
        var rules: [IngressRule] = []
        for _ in 0..<Int.random(in: 0..<3, using: &random) {
            let routes = (0..<Int.random(in: 1..<3, using: &random)).map { _ in
                HTTPIngressPath(
                    path: Self.paths.randomElement(using: &random)!,
                    pathType: Bool.random(using: &random) ? .prefix : .exact,
                    backend: backend(random: &random))
            }
            rules.append(IngressRule(host: hosts.randomElement(using: &random)!, http: HTTPIngressRuleValue(paths: routes)))
        }
        let tls: [IngressTLS] = (0..<Int.random(in: 0..<2, using: &random)).map { _ in
            IngressTLS(
                hosts: [hosts.randomElement(using: &random)!, hosts.randomElement(using: &random)!],
                secretName: ["cert-a", "cert-wild", "cert-old", "cert-bad", "missing"].randomElement(using: &random)!)
        }
        let className = ["sluice", "sluice", "sluice", "nginx", nil].randomElement(using: &random)!
        return Ingress(
            metadata: ObjectMeta(
                name: name, namespace: namespace,
                creationTimestamp: ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", nil].randomElement(using: &random)!,
                annotations: annotationSets.randomElement(using: &random)!),
            spec: IngressSpec(
                ingressClassName: className,
                defaultBackend: Int.random(in: 0..<5, using: &random) == 0 ? backend(random: &random) : nil,
                tls: tls.isEmpty ? nil : tls, rules: rules))
    }

    private static func backend(random: inout SeededRandom) -> IngressBackend {
        IngressBackend(
            service: IngressServiceBackend(
                name: "s\(Int.random(in: 0..<5, using: &random))",
                port: Bool.random(using: &random) ? ServiceBackendPort(number: 80) : ServiceBackendPort(name: "http")))
    }

    static func service(_ name: String, namespace: String, port: Int = 80) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: ServiceSpec(type: "ClusterIP", clusterIP: "10.96.0.10", ports: [ServicePort(name: "http", port: port, targetPort: .int(8080))]))
    }

    static func ingress(_ name: String, namespace: String, hosts: [String], service: String) -> Ingress {
        Ingress(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: IngressSpec(
                rules: hosts.map { host in
                    IngressRule(
                        host: host,
                        http: HTTPIngressRuleValue(paths: [
                            HTTPIngressPath(
                                path: "/", pathType: .prefix,
                                backend: IngressBackend(
                                    service: IngressServiceBackend(name: service, port: ServiceBackendPort(number: 80))))
                        ]))
                }))
    }

    static func ingressClass(isDefault: Bool) -> IngressClass {
        IngressClass(
            metadata: ObjectMeta(
                name: "sluice", annotations: isDefault ? [IngressClass.isDefaultClassAnnotation: "true"] : nil),
            spec: IngressClassSpec(controller: "sluice.io/ingress-controller"))
    }
}
