import Foundation
import KubeModels
import SluiceTestSupport

/// The API server of the scale benchmark (`bench/scale.py`): the tests' fake kube-apiserver
/// (HTTPS with HTTP/2, as a real one), seeded with an IngressClass and N Ingresses, each with its
/// own Service and EndpointSlice (the endpoint: `--upstream-port` on 127.0.0.1). Writes a
/// kubeconfig for it and its CA, prints `ready <url>`, and serves until killed. Not a test: the
/// benchmark drives everything else through the Kubernetes API, as a cluster's users would.
///
///     sluice-scale-apiserver --ingresses 10000 --upstream-port 18081 --directory /tmp/scale
@main
struct ScaleAPIServer {
    static func main() async throws {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        let count = Int(arguments["--ingresses"] ?? "10000") ?? 10000
        let upstreamPort = Int(arguments["--upstream-port"] ?? "18081") ?? 18081
        let directory = arguments["--directory"] ?? FileManager.default.temporaryDirectory.path
        let server = try await FakeKubeAPIServer.start(tls: .serverOnly, http2: true)
        try server.put(
            IngressClass(
                metadata: ObjectMeta(name: "sluice"), spec: IngressClassSpec(controller: "sluice.io/ingress-controller")))
        for index in 0..<count {
            let namespace = "ns\(index % 100)"
            try server.put(service("svc\(index)", namespace: namespace))
            try server.put(endpointSlice("svc\(index)", namespace: namespace, port: upstreamPort))
            try server.put(ingress("ing\(index)", namespace: namespace, host: "i\(index).example.com", service: "svc\(index)"))
        }
        try FakeKubeTLS.caCertificate.write(toFile: "\(directory)/ca.crt", atomically: true, encoding: .utf8)
        try kubeconfig(server: server.baseURL).write(toFile: "\(directory)/kubeconfig", atomically: true, encoding: .utf8)
        print("ready \(server.baseURL)")
        fflush(nil)
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    static func service(_ name: String, namespace: String) -> Service {
        Service(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: ServiceSpec(
                type: "ClusterIP", clusterIP: "10.96.0.10", ports: [ServicePort(name: "http", port: 80, targetPort: .int(8080))]))
    }

    static func endpointSlice(_ service: String, namespace: String, port: Int) -> EndpointSlice {
        EndpointSlice(
            metadata: ObjectMeta(
                name: "\(service)-abc", namespace: namespace, labels: [EndpointSlice.serviceNameLabel: service]),
            addressType: "IPv4",
            endpoints: [EndpointSliceEndpoint(addresses: ["127.0.0.1"], conditions: EndpointConditions(ready: true))],
            ports: [EndpointPort(name: "http", port: port, protocol: "TCP")])
    }

    static func ingress(_ name: String, namespace: String, host: String, service: String) -> Ingress {
        Ingress(
            metadata: ObjectMeta(name: name, namespace: namespace, annotations: ["sluice.io/proxy-read-timeout": "30s"]),
            spec: IngressSpec(
                ingressClassName: "sluice",
                rules: [
                    IngressRule(
                        host: host,
                        http: HTTPIngressRuleValue(paths: [
                            HTTPIngressPath(
                                path: "/", pathType: .prefix,
                                backend: IngressBackend(
                                    service: IngressServiceBackend(name: service, port: ServiceBackendPort(number: 80))))
                        ]))
                ]))
    }

    static func kubeconfig(server: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: scale
        clusters:
        - name: scale
          cluster:
            server: \(server)
            certificate-authority-data: \(Data(FakeKubeTLS.caCertificate.utf8).base64EncodedString())
        contexts:
        - name: scale
          context: {cluster: scale, user: scale}
        users:
        - name: scale
          user: {token: \(FakeKubeAPIServer.defaultToken)}
        """
    }
}

/// `--name value` pairs.
struct Arguments {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            if let value = iterator.next() { values[name] = value }
        }
    }

    subscript(name: String) -> String? { values[name] }
}
