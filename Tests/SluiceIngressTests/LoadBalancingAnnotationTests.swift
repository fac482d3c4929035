import SluiceRouting
import Testing

@testable import SluiceIngress

/// `load-balance` and `upstream-hash-by`: their grammars, the defaults (least streams with
/// `sse-paths`), precedence, and what a bad value leaves (a Warning and the default).
@Suite("Load balancing annotations")
struct LoadBalancingAnnotationTests {
    @Test func withoutAnnotationsRoutesTakeTurns() {
        let (policy, problems, _) = AnnotationPolicyReader.read([:])
        #expect(problems.isEmpty)
        #expect(policy.loadBalancing == .roundRobin)
    }

    @Test func eventStreamPathsMakeLeastStreamsTheDefault() {
        let (policy, problems, _) = AnnotationPolicyReader.read(["sluice.io/sse-paths": "/events"])
        #expect(problems.isEmpty)
        #expect(policy.loadBalancing == .leastStreams)
        let (chosen, _, _) = AnnotationPolicyReader.read(["sluice.io/sse-paths": "/events", "sluice.io/load-balance": "round_robin"])
        #expect(chosen.loadBalancing == .roundRobin)
    }

    @Test(arguments: [
        ("round_robin", LoadBalancing.roundRobin), ("least_streams", .leastStreams), ("ewma", .ewma),
    ])
    func eachValueIsRead(text: String, expected: LoadBalancing) {
        for key in ["sluice.io/load-balance", "nginx.ingress.kubernetes.io/load-balance"] {
            let (policy, problems, _) = AnnotationPolicyReader.read([key: text])
            #expect(problems.isEmpty)
            #expect(policy.loadBalancing == expected)
        }
    }

    @Test func theSluiceNameWins() {
        let (policy, _, _) = AnnotationPolicyReader.read([
            "sluice.io/load-balance": "least_streams", "nginx.ingress.kubernetes.io/load-balance": "ewma",
        ])
        #expect(policy.loadBalancing == .leastStreams)
    }

    @Test(arguments: ["", "least_conn", "EWMA", "round-robin", "random", "ewma ", "chash"])
    func aBadBalanceIsReportedAndTheDefaultHolds(text: String) {
        let (plain, problems, _) = AnnotationPolicyReader.read(["nginx.ingress.kubernetes.io/load-balance": text])
        #expect(plain.loadBalancing == .roundRobin)
        #expect(problems.count == 1)
        let message = problems.first?.message ?? ""
        #expect(message.contains("nginx.ingress.kubernetes.io/load-balance"))
        #expect(message.contains("ignored"))
        #expect(message.contains("accepted: round_robin, least_streams or ewma"))
        let (streaming, _, _) = AnnotationPolicyReader.read(["sluice.io/sse-paths": "/", "sluice.io/load-balance": text])
        #expect(streaming.loadBalancing == .leastStreams)
    }

    @Test func aHashKeyIsItsTemplate() throws {
        let (policy, problems, _) = AnnotationPolicyReader.read(["nginx.ingress.kubernetes.io/upstream-hash-by": "$http_x_user:$arg_room"])
        #expect(problems.isEmpty)
        #expect(policy.loadBalancing == .hash([.field("x-user"), .literal(":"), .queryArgument("room")]))
        #expect(policy.loadBalancing.text == "$http_x_user:$arg_room")
        for (text, part) in [
            ("$remote_addr", RequestKeyPart.remoteAddress), ("$binary_remote_addr", .remoteAddress),
            ("$cookie_session", .cookie("session")), ("$request_uri", .requestURI), ("$host", .host),
        ] {
            #expect(AnnotationPolicyReader.read(["sluice.io/upstream-hash-by": text]).policy.loadBalancing == .hash([part]))
        }
    }

    @Test func aHashKeyWinsOverLoadBalanceWhichIsReported() {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "sluice.io/upstream-hash-by": "$remote_addr", "sluice.io/load-balance": "ewma",
        ])
        #expect(policy.loadBalancing == .hash([.remoteAddress]))
        #expect(problems.map(\.message) == ["load-balance ewma ignored: upstream-hash-by chooses the endpoint"])
    }

    @Test(arguments: [
        ("", "empty"), ("$request_id", "unsupported variable(s) $request_id"), ("user", "names no variable"),
        ("$http_x user", "holds a space"), ("$remote_addr\"", "holds a space, a quote"), ("$upstream_addr$host", "unsupported variable(s) $upstream_addr"),
        ("$", "unsupported variable(s) $"),
    ])
    func aBadHashKeyIsReportedAndTheRouteIsBalancedAsWithout(text: String, problem: String) {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "sluice.io/sse-paths": "/events", "nginx.ingress.kubernetes.io/upstream-hash-by": text,
        ])
        #expect(policy.loadBalancing == .leastStreams)
        #expect(problems.count == 1)
        let message = problems.first?.message ?? ""
        #expect(message.contains("annotation nginx.ingress.kubernetes.io/upstream-hash-by="))
        #expect(message.contains("ignored: \(problem)"), "\(message)")
        #expect(message.contains("accepted: nginx variables ($http_<name>"))
    }

    @Test func aBadSluiceHashKeyFallsBackToTheAlias() {
        let (policy, problems, _) = AnnotationPolicyReader.read([
            "sluice.io/upstream-hash-by": "$nope", "nginx.ingress.kubernetes.io/upstream-hash-by": "$cookie_sid",
        ])
        #expect(policy.loadBalancing == .hash([.cookie("sid")]))
        #expect(problems.count == 1)
    }

    @Test func theMigrationTableHonoursBothAnnotations() throws {
        let balance = try #require(NginxAnnotation.named("load-balance"))
        #expect(balance.honours("ewma") && balance.honours("least_streams"))
        let hash = try #require(NginxAnnotation.named("upstream-hash-by"))
        #expect(hash.honours("$remote_addr"))
        #expect(NginxAnnotation.named("upstream-hash-by-subset")?.honours("true") == false)
    }
}
