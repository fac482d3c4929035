import Foundation
import KubeModels
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// gRPC through an Ingress: `backend-protocol: GRPC` on an Ingress the controller reads makes its
/// routes speak HTTP/2 to the pod, and a grpcio client's calls — unary and server-streaming, in
/// lockstep — go through the proxy (h2c on its plain port) to a grpcio server.
@Suite struct ControllerGRPCEndToEndTests {
    @Test func anIngressWithBackendProtocolGRPCCarriesStreamingCalls() async throws {
        try await FakeKubeAPIServer.withServer { kube in
            try await PythonPeer.withUpstream("grpc_upstream.py") { upstreamPort in
                let proxy = try await ProxyHarness.start(configuration: ProxyConfiguration(h2c: true))
                defer { Task { await proxy.stop() } }
                try kube.put(ClusterObjectsForTests.ingressClass)
                try ClusterObjectsForTests.put(service: "echo", port: upstreamPort, on: kube)
                try kube.put(ClusterObjectsForTests.ingress(
                    "grpc", paths: [("/", "echo")], annotations: ["nginx.ingress.kubernetes.io/backend-protocol": "GRPC"]))

                let running = proxy.runController(on: kube)
                defer { running.cancel() }
                _ = try await proxy.waitForTable { $0.routes.first?.policy.upstreamProtocol.grpc == true }

                func call(_ scenario: String, _ arguments: [String]) async throws -> [String: Any] {
                    let result = try await PythonPeer.run(
                        "grpc_client.py", ["127.0.0.1:\(proxy.port)", "-", "shop.example.com", scenario] + arguments)
                    let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
                    return (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? ["stderr": result.stderr]
                }
                let unary = try await call("unary", ["through an Ingress"])
                #expect(unary["code"] as? String == "OK", "\(unary)")
                #expect(unary["messages"] as? [String] == ["echo:through an Ingress"])
                let streamed = try await call("server-stream", ["4", "127.0.0.1:\(upstreamPort)"])
                #expect(streamed["code"] as? String == "OK", "\(streamed)")
                #expect(streamed["messages"] as? [String] == (0..<4).map { "message-\($0)" })
            }
        }
    }
}
