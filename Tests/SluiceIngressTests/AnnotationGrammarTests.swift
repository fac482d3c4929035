@testable import SluiceIngress
import SluiceRouting
import Testing

@Suite("sse-paths grammar")
struct EventStreamPathsGrammarTests {
    @Test func acceptsAndNormalizes() throws {
        #expect(try EventStreamPathsGrammar.parse("/api/chat,/api/threads/").get() == ["/api/chat", "/api/threads"])
        #expect(try EventStreamPathsGrammar.parse("/a,/a/,/b").get() == ["/a", "/b"])
        #expect(try EventStreamPathsGrammar.parse("/").get() == [""])
        #expect(try EventStreamPathsGrammar.parse("/ünïcode/päth").get() == ["/ünïcode/päth"])
    }

    @Test(arguments: [
        ("", "empty"), ("/a,", "path 2 is empty"), (",/a", "path 1 is empty"), ("/a,,/b", "path 2 is empty"),
        ("api", "path 1 does not start with /"), ("/a, /b", "path 2 does not start with /"),
        ("/a b", "path 1 contains a space"), ("/a\t", "path 1 contains a control character"),
        ("/a\u{7F}", "path 1 contains a control character"), ("/a?x=1", "path 1 contains \"?\""),
        ("/a#frag", "path 1 contains \"#\""), ("/a\u{00A0}b", "path 1 contains a control character"),
    ])
    func rejects(text: String, problem: String) {
        #expect(EventStreamPathsGrammar.parse(text) == .failure(GrammarFailure(problem)))
    }

    @Test func limits() throws {
        let entry = "/" + String(repeating: "a", count: 255)
        #expect(try EventStreamPathsGrammar.parse(entry).get() == [entry])
        #expect(EventStreamPathsGrammar.parse(entry + "a") == .failure(GrammarFailure("path 1 is longer than 256 bytes")))
        let sixtyFour = (1...64).map { "/\($0)" }.joined(separator: ",")
        #expect(try EventStreamPathsGrammar.parse(sixtyFour).get().count == 64)
        #expect(EventStreamPathsGrammar.parse(sixtyFour + ",/x") == .failure(GrammarFailure("65 paths, more than 64")))
    }
}

@Suite("on/off grammar")
struct SwitchGrammarTests {
    @Test func accepts() {
        #expect(SwitchGrammar.parse("on") == .success(true))
        #expect(SwitchGrammar.parse("off") == .success(false))
    }

    @Test(arguments: ["On", "OFF", "true", "1", "", " on", "yes"])
    func rejects(text: String) {
        #expect((try? SwitchGrammar.parse(text).get()) == nil)
    }
}

@Suite("Annotation values")
struct AnnotationValueTests {
    @Test func basicCheck() {
        #expect(AnnotationValue.basicCheck("5s") == nil)
        #expect(AnnotationValue.basicCheck("5s\0") == GrammarFailure("contains a NUL byte"))
        #expect(AnnotationValue.basicCheck("5s\nx") == GrammarFailure("contains a line break"))
        #expect(AnnotationValue.basicCheck("5s\r") == GrammarFailure("contains a line break"))
        #expect(AnnotationValue.basicCheck(String(repeating: "x", count: 1024)) == nil)
        #expect(AnnotationValue.basicCheck(String(repeating: "x", count: 1025)) == GrammarFailure("1025 bytes, longer than 1024"))
    }

    @Test func quotedEscapesAndTruncates() {
        #expect(AnnotationValue.quoted("a\0b\nc\"d\\e\u{1B}") == #""a\0b\nc\"d\\e\u{1B}""#)
        #expect(AnnotationValue.quoted(String(repeating: "x", count: 100)) == "\"" + String(repeating: "x", count: 64) + "…\"")
    }
}

@Suite("Annotation policy")
struct AnnotationPolicyReaderTests {
    @Test func readTimeoutSetsReadAndStreamIdle() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["sluice.io/proxy-read-timeout": "10m"])
        #expect(problems.isEmpty)
        #expect(policy.readTimeout == .seconds(600))
        #expect(policy.streamIdleTimeout == .seconds(600))
        #expect(policy.connectTimeout == RoutePolicy.default.connectTimeout)
    }

    @Test func withoutAnnotationsThePolicyIsTheDefault() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["app": "x", "kubernetes.io/ingress.class": "sluice"])
        #expect(policy == .default)
        #expect(problems.isEmpty)
    }

    @Test func invalidValueIsIgnoredAndNamed() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read(["sluice.io/proxy-send-timeout": "-3s"])
        #expect(policy == .default)
        let problem = try #require(problems.first)
        #expect(problem.reason == "InvalidAnnotation")
        #expect(problem.message.contains("sluice.io/proxy-send-timeout"))
        #expect(problem.message.contains("\"-3s\""))
        #expect(problem.message.contains("negative"))
        #expect(problem.message.contains("accepted:"))
    }

    @Test func maxStreamDurationZeroMeansNone() {
        #expect(AnnotationPolicyReader.read(["sluice.io/max-stream-duration": "0"]).0.maxStreamDuration == nil)
        #expect(AnnotationPolicyReader.read(["sluice.io/max-stream-duration": "2h"]).0.maxStreamDuration == .seconds(7200))
    }

    /// Snippets are never applied; they are the ingress-nginx audit's to name, in one Warning.
    @Test func everySnippetIsRefused() {
        let annotations = [
            "nginx.ingress.kubernetes.io/configuration-snippet": "x",
            "nginx.ingress.kubernetes.io/server-snippet": "x",
            "nginx.ingress.kubernetes.io/auth-snippet": "x",
            "nginx.ingress.kubernetes.io/stream-snippet": "x",
        ]
        let (policy, problems, _) = AnnotationPolicyReader.read(annotations)
        #expect(policy == .default)
        #expect(problems.isEmpty)
        let audit = NginxAnnotationAudit(annotations)
        #expect(audit.unsupported == ["auth-snippet", "configuration-snippet", "server-snippet", "stream-snippet"])
        #expect(audit.problem(allowingUnsupportedSecurity: false)?.reason == "UnsupportedAnnotation")
    }
}

@Suite("source-range annotations")
struct SourceRangeAnnotationTests {
    @Test func aListParsesWithSpacesAndBothFamilies() throws {
        let ranges = try SourceRangeGrammar.parse("10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,").get()
        #expect(ranges.map(\.description) == ["10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32"])
    }

    @Test(arguments: ["", " , ", "10.0.0.0/8,bogus", "10.0.0.0/40"])
    func aBadListIsRefused(text: String) {
        guard case .failure = SourceRangeGrammar.parse(text) else {
            Issue.record("\(text.debugDescription) accepted")
            return
        }
    }

    /// The nginx names are read too (`allowlist-`, then the older `whitelist-`), and a bad value
    /// of a list that guards access fails the routes closed instead of being ignored.
    @Test func theListsAreReadAndABadOneFailsClosed() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8",
            "nginx.ingress.kubernetes.io/denylist-source-range": "10.9.0.0/16",
        ])
        #expect(problems.isEmpty)
        #expect(policy.refusal == nil)
        #expect(policy.sourceRanges?.allow.map(\.description) == ["10.0.0.0/8"])
        #expect(policy.sourceRanges?.deny.map(\.description) == ["10.9.0.0/16"])

        let (bad, badProblems, _) = AnnotationPolicyReader.read([
            "sluice.io/allowlist-source-range": "10.0.0.0/8,not-an-address",
            "nginx.ingress.kubernetes.io/allowlist-source-range": "0.0.0.0/0",
        ])
        #expect(bad.sourceRanges == nil)
        #expect(bad.refusal == RouteRefusal(reason: "invalid allowlist-source-range"))
        #expect(badProblems.map(\.message) == [
            "annotation sluice.io/allowlist-source-range=\"10.0.0.0/8,not-an-address\" every route of this Ingress fails closed (503): \"not-an-address\" is not an address or CIDR range; accepted: \(SourceRangeGrammar.accepted)"
        ])
    }
}

@Suite("backend-protocol and proxy-ssl-* grammars")
struct UpstreamProtocolGrammarTests {
    @Test(arguments: [
        ("HTTP", BackendProtocolGrammar.Value.http), ("https", .https), ("H2c", .h2c), ("grpc", .grpc), ("GRPCS", .grpcs),
        ("auto_http", .autoHTTP), ("FCGI", .fcgi),
    ])
    func backendProtocols(text: String, value: BackendProtocolGrammar.Value) {
        #expect(BackendProtocolGrammar.parse(text) == .success(value))
    }

    @Test func aBadBackendProtocol() {
        #expect(BackendProtocolGrammar.parse("HTTP/2") == .failure(GrammarFailure("not a backend protocol")))
        #expect(BackendProtocolGrammar.parse("") == .failure(GrammarFailure("empty")))
    }

    @Test func serverNames() {
        #expect(ServerNameGrammar.parse("API.Internal") == .success("api.internal"))
        #expect(ServerNameGrammar.parse("web.default.svc.cluster.local") == .success("web.default.svc.cluster.local"))
        #expect(ServerNameGrammar.parse("10.0.0.1") == .success("10.0.0.1"))
        #expect(ServerNameGrammar.parse("fd00::1") == .success("fd00::1"))
        #expect(ServerNameGrammar.parse("$host") == .failure(GrammarFailure("nginx variables are not supported")))
        for bad in ["a..b", "-a.b", "a_b.c", "a b", String(repeating: "a", count: 64) + ".b"] {
            #expect(ServerNameGrammar.parse(bad) == .failure(GrammarFailure("not a DNS name")), "\(bad)")
        }
    }

    @Test func secretNames() {
        #expect(SecretNameGrammar.parse("shop/backend-ca") == .success(.init(namespace: "shop", name: "backend-ca")))
        #expect(SecretNameGrammar.parse("backend-ca") == .success(.init(namespace: nil, name: "backend-ca")))
        #expect(SecretNameGrammar.parse("a/b/c") == .failure(GrammarFailure("more than one /")))
        for bad in ["", "/ca", "shop/", "Shop/ca", "shop/ca_1"] {
            #expect(SecretNameGrammar.parse(bad) == .failure(GrammarFailure("not a Kubernetes object name")), "\(bad)")
        }
    }

    /// Verification without TLS has nothing to verify: reported, and the backend gets plain HTTP.
    @Test func tlsSettingsWithoutTLSAreReported() {
        let (policy, problems, secret) = AnnotationPolicyReader.read([
            "sluice.io/proxy-ssl-verify": "on", "sluice.io/proxy-ssl-secret": "ca",
        ])
        #expect(policy.upstreamProtocol == .http)
        #expect(policy.refusal == nil)
        #expect(secret == nil)
        #expect(problems.map(\.reason) == [DiagnosticReason.ineffectiveAnnotation])
    }

    @Test func verificationNamesItsTrustSecret() {
        let (policy, problems, secret) = AnnotationPolicyReader.read([
            "nginx.ingress.kubernetes.io/backend-protocol": "GRPCS", "sluice.io/proxy-ssl-verify": "on",
            "nginx.ingress.kubernetes.io/proxy-ssl-secret": "shop/ca",
        ])
        #expect(problems.isEmpty)
        #expect(policy.upstreamProtocol == UpstreamProtocol(version: .http2, tls: UpstreamTLS(verify: true), grpc: true))
        #expect(secret == SecretNameGrammar.Name(namespace: "shop", name: "ca"))
    }
}
