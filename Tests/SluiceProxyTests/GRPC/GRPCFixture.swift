import Foundation
import SluiceProxy
import SluiceRouting
import SluiceTestSupport

/// What a gRPC call through the proxy ended with: `Scripts/test_python/grpc_client.py`'s line.
struct GRPCCallResult: Decodable, Sendable {
    /// A `grpc.StatusCode` name (`OK`, `UNAVAILABLE`...).
    let code: String
    let details: String?
    let messages: [String]
    let trailing: [String: String]
}

/// The gRPC tests' proxy: its HTTPS listener with HTTP/2 on (gRPC reaches the proxy over TLS,
/// ALPN `h2`), serving `grpc.example.com` with a certificate of a test CA, routed to a gRPC
/// upstream (`backend-protocol: GRPC`); and grpcio's client calling through it.
struct GRPCFixture {
    static let host = "grpc.example.com"
    let tls: TLSFixture
    let certificates: CertificateTable

    init() throws {
        tls = try TLSFixture()
        certificates = try tls.certificates(for: Self.host)
    }

    /// `policy` speaking gRPC to its backend.
    static func grpc(_ policy: RoutePolicy = .default) -> RoutePolicy {
        var policy = policy
        policy.upstreamProtocol = UpstreamProtocol(version: .http2, grpc: true)
        return policy
    }

    /// A table routing `grpc.example.com` and `path` to `endpoints` under `policy`.
    func table(endpoints: [Endpoint], path: String = "/", policy: RoutePolicy = grpc()) -> RoutingTable {
        TLSFixture.table(
            SluiceProxyTests.table(host: Self.host, path: path, endpoints: endpoints, policy: policy), certificates: certificates)
    }

    /// Runs a proxy serving `table` over TLS with HTTP/2.
    func withProxy<T>(
        _ table: RoutingTable, isolation: isolated (any Actor)? = #isolation, _ body: (ProxyUnderTest) async throws -> T
    ) async throws -> T {
        try await SluiceProxyTests.withProxy(table, configuration: ProxyConfiguration(http2: true)) { proxy in
            try await body(proxy)
        }
    }

    /// Runs a gRPC upstream (`Scripts/test_python/grpc_upstream.py`) and a proxy routing to it
    /// under `policy`; `body` gets the proxy and the upstream's port.
    func withUpstreamAndProxy<T>(
        policy: RoutePolicy = grpc(), isolation: isolated (any Actor)? = #isolation,
        _ body: (ProxyUnderTest, Int) async throws -> T
    ) async throws -> T {
        try await PythonPeer.withUpstream("grpc_upstream.py") { port in
            try await withProxy(table(endpoints: [Endpoint(host: "127.0.0.1", port: port)], policy: policy)) { proxy in
                try await body(proxy, port)
            }
        }
    }

    /// Runs a gRPC upstream over TLS with a certificate of the test CA for `upstreamName`, and a
    /// proxy routing to it under `policy` (`GRPCS`); `body` gets the proxy.
    func withTLSUpstreamAndProxy<T>(
        upstreamName: String, policy: RoutePolicy, isolation: isolated (any Actor)? = #isolation,
        _ body: (ProxyUnderTest) async throws -> T
    ) async throws -> T {
        let issued = try tls.ca.issue(dnsNames: [upstreamName])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-grpcs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("tls.crt")
        let key = directory.appendingPathComponent("tls.key")
        try issued.chainPEM.write(to: certificate, atomically: true, encoding: .utf8)
        try issued.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        return try await PythonPeer.withUpstream("grpc_upstream.py", [certificate.path, key.path]) { port in
            try await withProxy(table(endpoints: [Endpoint(host: "127.0.0.1", port: port)], policy: policy)) { proxy in
                try await body(proxy)
            }
        }
    }

    /// A call through the proxy (`grpc_client.py`'s `scenario` with `arguments`).
    func call(_ proxy: ProxyUnderTest, _ scenario: String, _ arguments: [String]) async throws -> GRPCCallResult {
        let result = try await PythonPeer.run(
            "grpc_client.py", ["127.0.0.1:\(proxy.httpsPort)", tls.caFile.path, Self.host, scenario] + arguments)
        guard let line = result.stdout.split(separator: "\n").last,
            let decoded = try? JSONDecoder().decode(GRPCCallResult.self, from: Data(line.utf8))
        else {
            throw GRPCFixtureError.noResult(stdout: result.stdout, stderr: result.stderr)
        }
        return decoded
    }
}

enum GRPCFixtureError: Error, CustomStringConvertible {
    case noResult(stdout: String, stderr: String)

    var description: String {
        switch self {
        case .noResult(let stdout, let stderr):
            "grpc_client.py printed no result; stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)"
        }
    }
}
