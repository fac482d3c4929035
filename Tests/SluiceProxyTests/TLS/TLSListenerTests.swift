import Foundation
import NIOCore
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// The HTTPS listener with real handshakes on loopback: `curl` verifying against a CA the test
/// made, SNI choosing each host's certificate from the routing table, plain HTTP refused on the
/// port, event streams over TLS, and certificates rotated by a new table without touching open
/// streams.
@Suite("HTTPS listener", .serialized)
struct TLSListenerTests {
    private let ca: TestCertificateAuthority
    private let caFile: URL

    init() throws {
        ca = try TestCertificateAuthority()
        caFile = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-test-ca-\(UUID().uuidString).pem")
        try ca.certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
    }

    private func serving(_ certificate: TestCertificate, source: String) -> ServingCertificate {
        ServingCertificate(
            chainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM, source: source,
            fingerprint: certificate.fingerprint, notAfter: Int64(certificate.notValidAfter.timeIntervalSince1970))
    }

    /// A table routing every host to `upstream`, with `certificates`.
    private static func table(_ upstream: UpstreamServer, certificates: CertificateTable) -> RoutingTable {
        let routes = SluiceProxyTests.table(host: nil, path: "/", endpoints: [.local(upstream)], policy: .default)
        return RoutingTable(routes: routes.routes, certificates: certificates)
    }

    /// `curl -v` through the HTTPS port as a client of `host` that trusts the test CA.
    private func curl(_ host: String, port: Int, path: String = "/", _ extra: [String] = []) async throws -> CurlProcess.Result {
        try await CurlProcess.run(
            ["-v", "--cacert", caFile.path, "--resolve", "\(host):\(port):127.0.0.1", "https://\(host):\(port)\(path)"] + extra)
    }

    /// The subject common name of the certificate the server presented, from `curl -v`.
    private static func presentedSubject(_ result: CurlProcess.Result) -> String? {
        result.stderr.split(separator: "\n").first { $0.contains("subject:") }
            .map { String($0.split(separator: "CN=").last ?? "").trimmingCharacters(in: .whitespaces) }
    }

    @Test func eachServerNameGetsItsCertificateAndTheRestTheDefault() async throws {
        let app = serving(try ca.issue(dnsNames: ["app.example.com"]), source: "default/app-tls")
        let wild = serving(try ca.issue(dnsNames: ["*.example.com"]), source: "default/wild-tls")
        let other = serving(try ca.issue(dnsNames: ["other.test"]), source: "default/other-tls")
        let fallback = serving(try ca.issue(dnsNames: ["default.invalid"]), source: "default/fallback-tls")
        let certificates = CertificateTable(
            hosts: ["app.example.com": app, "*.example.com": wild, "other.test": other], defaultCertificate: fallback)
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, certificates: certificates)) { proxy in
                for (host, subject) in [
                    ("app.example.com", "app.example.com"), ("chat.example.com", "*.example.com"), ("other.test", "other.test"),
                ] {
                    let result = try await curl(host, port: proxy.httpsPort)
                    #expect(result.exitCode == 0, "\(host): \(result.stderr)")
                    #expect(Self.presentedSubject(result) == subject, "\(host)")
                    #expect(result.stdout.contains("x-forwarded-proto: https"), "the upstream is told the client came over TLS")
                }
                // A name no certificate covers gets the default, which curl refuses for that name.
                let unknown = try await curl("unknown.test", port: proxy.httpsPort)
                #expect(unknown.exitCode != 0)
                #expect(Self.presentedSubject(unknown) == "default.invalid")
                // No SNI at all (an IP address): the default.
                let byAddress = try await CurlProcess.run(["-v", "-k", "https://127.0.0.1:\(proxy.httpsPort)/"])
                #expect(byAddress.exitCode == 0, "\(byAddress.stderr)")
                #expect(Self.presentedSubject(byAddress) == "default.invalid")
            }
        }
    }

    @Test func withoutADefaultTheGeneratedCertificateIsServed() async throws {
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, certificates: .empty)) { proxy in
                let result = try await CurlProcess.run(["-v", "-k", "https://127.0.0.1:\(proxy.httpsPort)/"])
                #expect(result.exitCode == 0, "\(result.stderr)")
                #expect(Self.presentedSubject(result) == GeneratedCertificate.commonName)
                #expect(result.stderr.contains("TLSv1.3"), "TLS 1.3 is offered")
            }
        }
    }

    /// A client that comes back resumes its session (a TLS 1.3 ticket) instead of a full
    /// handshake: curl fetching twice, each on a new connection, reuses the first's session.
    @Test func aReturningClientResumesItsSession() async throws {
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, certificates: .empty)) { proxy in
                let url = "https://127.0.0.1:\(proxy.httpsPort)/"
                // HTTP/1.1 and `Connection: close`: over HTTP/2, curl would reuse the connection.
                let result = try await CurlProcess.run(["-v", "-k", "--http1.1", "-H", "Connection: close", url, url])
                #expect(result.exitCode == 0, "\(result.stderr)")
                #expect(result.stderr.contains("SSL re-using session ID"), "\(result.stderr)")
                // A resumed handshake sends no certificate: only the first connection's has one.
                let certificates = result.stderr.components(separatedBy: "TLS handshake, Certificate (11)").count - 1
                #expect(certificates == 1, "\(result.stderr)")
            }
        }
    }

    @Test func tlsOlderThan1_2IsRefused() async throws {
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, certificates: .empty)) { proxy in
                let result = try await CurlProcess.run(
                    ["-k", "--tlsv1.1", "--tls-max", "1.1", "https://127.0.0.1:\(proxy.httpsPort)/"])
                #expect(result.exitCode != 0)
                // The server's refusal (alert 70), not the client's own policy against TLS 1.1.
                #expect(result.stderr.contains("alert protocol version"), "\(result.stderr)")
            }
        }
    }

    @Test func plainHTTPSentToTheHTTPSPortGetsA400() async throws {
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, certificates: .empty)) { proxy in
                let result = try await CurlProcess.run(["-i", "http://127.0.0.1:\(proxy.httpsPort)/"])
                #expect(result.stdout.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(result.stdout)")
                #expect(result.stdout.hasSuffix("plain HTTP request sent to the HTTPS port\n"))
            }
        }
    }

    /// `curl -N https://…` gets each event of a stream as the upstream sends it (lockstep: the
    /// upstream sends the next only once curl has printed the last).
    @Test func anEventStreamFlowsEventByEventOverTLS() async throws {
        let permits = UpstreamPermits()
        let leaf = serving(try ca.issue(dnsNames: ["chat.example.com"]), source: "default/chat-tls")
        try await withUpstream(.eventStream(count: 5, permits: permits)) { upstream in
            let table = Self.table(upstream, certificates: CertificateTable(hosts: ["chat.example.com": leaf]))
            try await withProxy(table) { proxy in
                let curl = try CurlProcess([
                    "-N", "--cacert", caFile.path, "--resolve", "chat.example.com:\(proxy.httpsPort):127.0.0.1",
                    "https://chat.example.com:\(proxy.httpsPort)/events", "-H", "Accept: text/event-stream",
                ])
                defer { curl.terminate() }
                for event in 0..<5 {
                    permits.grant()
                    try await curl.waitForOutput(containing: "data: event \(event)\n")
                }
                let result = try await curl.finish()
                #expect(result.exitCode == 0, "\(result.stderr)")
            }
        }
    }

    /// A new table with a new certificate for a host: the next handshake presents it, and a
    /// stream opened before the swap goes on to its end on the old one.
    @Test func aRotatedCertificateServesNewHandshakesAndLeavesOpenStreamsAlone() async throws {
        let permits = UpstreamPermits()
        // The first DNS name is the subject's common name: it tells the two apart.
        let first = serving(try ca.issue(dnsNames: ["first.example.com", "chat.example.com"]), source: "default/chat-tls")
        let second = serving(try ca.issue(dnsNames: ["second.example.com", "chat.example.com"]), source: "default/chat-tls")
        try await withUpstream(.eventStream(count: 4, permits: permits)) { upstream in
            try await withProxy(Self.table(upstream, certificates: CertificateTable(hosts: ["chat.example.com": first]))) { proxy in
                let stream = try CurlProcess([
                    "-N", "--cacert", caFile.path, "--resolve", "chat.example.com:\(proxy.httpsPort):127.0.0.1",
                    "https://chat.example.com:\(proxy.httpsPort)/events",
                ])
                defer { stream.terminate() }
                permits.grant()
                try await stream.waitForOutput(containing: "data: event 0\n")

                // Each loop takes the new table at its next look, the next handshake's.
                proxy.store.publish(Self.table(upstream, certificates: CertificateTable(hosts: ["chat.example.com": second])))
                permits.grant(3)
                for event in 1..<4 { try await stream.waitForOutput(containing: "data: event \(event)\n") }
                let result = try await stream.finish()
                #expect(result.exitCode == 0, "the stream opened before the swap finished whole: \(result.stderr)")

                // A new stream (cut after its head: no permits left) shakes hands with the new one.
                let fresh = try await curl("chat.example.com", port: proxy.httpsPort, path: "/events", ["--max-time", "2"])
                #expect(Self.presentedSubject(fresh) == "second.example.com", "\(fresh.stderr)")
            }
        }
    }

    /// Plain HTTP to a host with a certificate is sent to HTTPS (`308`, path and query kept);
    /// the answer over TLS carries `Strict-Transport-Security`, relayed event streams included,
    /// and plain answers never do.
    @Test func plainHTTPIsRedirectedAndTLSResponsesCarryHSTS() async throws {
        let app = serving(try ca.issue(dnsNames: ["app.example.com"]), source: "default/app-tls")
        let permits = UpstreamPermits()
        permits.open()
        try await withUpstream(.eventStream(count: 1, permits: permits)) { upstream in
            let table = Self.table(upstream, certificates: CertificateTable(hosts: ["app.example.com": app]))
            try await withProxy(table) { proxy in
                let plain = try await CurlProcess.run([
                    "-i", "--resolve", "app.example.com:\(proxy.port):127.0.0.1", "http://app.example.com:\(proxy.port)/chat?x=1",
                ])
                #expect(plain.stdout.hasPrefix("HTTP/1.1 308 Permanent Redirect\r\n"), "\(plain.stdout)")
                #expect(plain.stdout.contains("Location: https://app.example.com/chat?x=1\r\n"))
                #expect(!plain.stdout.lowercased().contains("strict-transport-security"))

                let overTLS = try await curl("app.example.com", port: proxy.httpsPort, path: "/chat", ["-i", "-N"])
                #expect(overTLS.exitCode == 0, "\(overTLS.stderr)")
                // Over HTTP/2 (curl's choice with ALPN), field names are lowercase.
                #expect(overTLS.stdout.contains("strict-transport-security: max-age=31536000; includeSubDomains\r\n"), "\(overTLS.stdout)")
                #expect(overTLS.stdout.contains("data: event 0\n"))
            }
        }
    }

    @Test func aHandshakeThatStallsIsCutAtTheHeaderTimeout() async throws {
        var configuration = ProxyConfiguration()
        configuration.clientHeaderTimeout = .milliseconds(300)
        try await withUpstream(.echo) { upstream in
            try await withProxy(Self.table(upstream, certificates: .empty), configuration: configuration) { proxy in
                let client = try await TestClient.connect(port: proxy.httpsPort)
                try await client.waitForClose(timeout: .seconds(5))
            }
        }
    }
}
