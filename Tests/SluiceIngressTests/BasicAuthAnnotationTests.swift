import KubeModels
import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceIngress

/// `auth-type`, `auth-secret`, `auth-secret-type` and `auth-realm`: read from `sluice.io/` or the
/// ingress-nginx alias; a bad value of any, `digest`, or `basic` without a Secret fails the routes
/// closed. And the htpasswd files their Secrets hold.
@Suite("Basic auth annotations and htpasswd files")
struct BasicAuthAnnotationTests {
    private static func read(_ annotations: [String: String]) -> (RoutePolicy, [IngressProblem], BasicAuthReference?) {
        let (policy, reader) = AnnotationPolicyReader.readWithSecrets(annotations)
        return (policy, reader.problems, reader.basicAuthSecret)
    }

    @Test func theNginxAnnotationsNameTheSecret() {
        let (policy, problems, reference) = Self.read([
            "nginx.ingress.kubernetes.io/auth-type": "basic",
            "nginx.ingress.kubernetes.io/auth-secret": "team/users",
            "nginx.ingress.kubernetes.io/auth-secret-type": "auth-map",
            "nginx.ingress.kubernetes.io/auth-realm": "Authentication Required - foo",
        ])
        #expect(problems.isEmpty)
        #expect(policy.refusal == nil)
        #expect(reference == BasicAuthReference(
            secret: SecretNameGrammar.Name(namespace: "team", name: "users"), format: .authMap,
            realm: "Authentication Required - foo"))
    }

    @Test func defaultsAndTheSluiceValueWinning() {
        let (_, problems, reference) = Self.read([
            "sluice.io/auth-type": "basic", "nginx.ingress.kubernetes.io/auth-type": "digest",
            "sluice.io/auth-secret": "users",
        ])
        #expect(problems.isEmpty)
        #expect(reference == BasicAuthReference(secret: SecretNameGrammar.Name(namespace: nil, name: "users"), format: .authFile, realm: ""))
    }

    @Test(arguments: [
        (["auth-type": "digest", "auth-secret": "users"], "auth-type digest is not supported"),
        (["auth-type": "basic"], "auth-type basic without auth-secret"),
        (["auth-type": "form", "auth-secret": "users"], "invalid auth-type"),
        (["auth-type": "basic", "auth-secret": "a/b/c"], "invalid auth-secret"),
        (["auth-type": "basic", "auth-secret": "users", "auth-secret-type": "ldap"], "invalid auth-secret-type"),
        (["auth-type": "basic", "auth-secret": "users", "auth-realm": "say \"hi\""], "invalid auth-realm"),
    ])
    func badValuesFailClosed(annotations: [String: String], reason: String) {
        let prefixed = Dictionary(uniqueKeysWithValues: annotations.map { ("nginx.ingress.kubernetes.io/" + $0.key, $0.value) })
        let (policy, problems, reference) = Self.read(prefixed)
        #expect(policy.refusal?.reason == reason)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("fails closed (503)") == true, "\(problems)")
        #expect(reference == nil)
    }

    @Test func settingsWithoutAuthTypeAreReportedAndUnused() {
        let (policy, problems, reference) = Self.read(["nginx.ingress.kubernetes.io/auth-secret": "users"])
        #expect(policy.refusal == nil)
        #expect(reference == nil)
        #expect(problems.map(\.reason) == [DiagnosticReason.ineffectiveAnnotation])
    }

    @Test func anHtpasswdFileWithCommentsBlankLinesAndCRLF() throws {
        let text = "# team\r\nalice:$apr1$xOQWT0kH$IxtvugvBjJGXWBj0oA8Dq/\r\n\r\ncarol:{SHA}hsAaMBat8aKiQgxhKhAqvbXOPbw=:the admin\n"
            + "alice:{SHA}hsAaMBat8aKiQgxhKhAqvbXOPbw=\n"
        let users = try HtpasswdFile.parse(text).get()
        #expect(users.keys.sorted() == ["alice", "carol"])
        #expect(users["alice"]?.kind == .apr1, "the first line of a user wins, as in nginx")
        #expect(users["carol"]?.kind == .sha1)
    }

    @Test func aBadLineIsNamedByNumberWithoutItsContent() {
        let text = "alice:$apr1$xOQWT0kH$IxtvugvBjJGXWBj0oA8Dq/\nsecret-typed-here\n"
        #expect(HtpasswdFile.parse(text) == .failure(.notUserAndHash(line: 2)))
        #expect(!HtpasswdProblem.notUserAndHash(line: 2).description.contains("secret"))
        #expect(HtpasswdFile.parse("dave:ahWlyxhTg2lcc\n") == .failure(.badHash(user: "dave", line: 1, .descrypt)))
        #expect(HtpasswdFile.parse("erin:plaintext\n") == .failure(.badHash(user: "erin", line: 1, .unknownKind)))
        #expect(HtpasswdFile.parse(":{SHA}hsAaMBat8aKiQgxhKhAqvbXOPbw=\n") == .failure(.notUserAndHash(line: 1)))
        #expect(HtpasswdFile.parse("# nobody\n\n") == .failure(.noUsers))
    }

    @Test func anAuthMap() throws {
        let users = try HtpasswdFile.parse(map: ["bob": Array("$apr1$xOQWT0kH$IxtvugvBjJGXWBj0oA8Dq/\n".utf8)]).get()
        #expect(users["bob"]?.kind == .apr1)
        #expect(HtpasswdFile.parse(map: ["bob": Array("bob-pw".utf8)]) == .failure(.badHash(user: "bob", line: nil, .unknownKind)))
        #expect(HtpasswdFile.parse(map: [:]) == .failure(.noUsers))
    }
}

/// What basic auth tells the controller: its `auth-secret` is referenced (the controller keeps
/// an `Opaque` Secret's data only then), and one still being fetched fails the routes closed
/// without a Warning until it arrives.
@Suite("Basic auth Secret references")
struct BasicAuthSecretReferenceTests {
    private static func ingress() -> Ingress {
        var ingress = TLSFixtures.ingress(hosts: ["staff.example.com"], tls: [])
        ingress.metadata.annotations = [
            "nginx.ingress.kubernetes.io/auth-type": "basic", "nginx.ingress.kubernetes.io/auth-secret": "users",
        ]
        return ingress
    }

    @Test func theAuthSecretIsReferencedAndReadWhenLoaded() {
        let users = Secret(
            metadata: ObjectMeta(name: "users", namespace: "default"), type: "Opaque",
            stringData: ["auth": "carol:{SHA}hsAaMBat8aKiQgxhKhAqvbXOPbw=\n"])
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [Self.ingress()], services: [TLSFixtures.service()], secrets: [users]),
            options: TLSFixtures.options, now: TLSFixtures.now)
        #expect(result.referencedSecrets == ["default/users"])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.table.routes.first?.policy.basicAuth?.users.keys.sorted() == ["carol"])
    }

    @Test func anUnloadedAuthSecretFailsClosedWithoutAWarning() {
        let result = IngressTranslator.translate(
            ClusterSnapshot(ingresses: [Self.ingress()], services: [TLSFixtures.service()], unloadedSecrets: ["default/users"]),
            options: TLSFixtures.options, now: TLSFixtures.now)
        #expect(result.referencedSecrets == ["default/users"])
        #expect(result.diagnostics.isEmpty)
        #expect(result.table.routes.first?.policy.refusal?.reason == "auth-secret default/users is being read")
        #expect(result.table.routes.first?.policy.basicAuth == nil)
    }
}
