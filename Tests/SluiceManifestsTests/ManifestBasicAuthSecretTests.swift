import Foundation
import SluiceIngress
import SluiceManifests
import SluiceRouting
import SluiceTestSupport
import Testing

/// Standalone basic auth: the `auth-secret` Secret is read from the manifest directory like any
/// Secret (`data` base64 or `stringData`), its htpasswd file made by Apache's `htpasswd`; a
/// malformed one fails the route closed with a Warning naming it.
@Suite("Basic auth Secrets in manifest directories")
struct ManifestBasicAuthSecretTests {
    private static func ingress(secret: String) -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: staff
          annotations:
            nginx.ingress.kubernetes.io/auth-type: basic
            nginx.ingress.kubernetes.io/auth-secret: \(secret)
            nginx.ingress.kubernetes.io/auth-realm: Staff only
        spec:
          rules:
            - host: staff.example.com
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        ---
        """ + "\n" + Manifests.service("web")
    }

    private static func translate(_ dir: TemporaryDirectory) -> TranslationResult {
        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty, "\(load.errors)")
        return IngressTranslator.translate(load.snapshot, options: TranslationOptions(servesClasslessWithoutIngressClasses: true))
    }

    @Test func anHtpasswdSecretIsReadFromTheDirectory() async throws {
        let file = [
            try await HtpasswdTool.line(user: "alice", password: "alice-pw", kind: .bcrypt),
            try await HtpasswdTool.line(user: "bob", password: "bob-pw", kind: .apr1),
        ].joined(separator: "\n") + "\n"
        let dir = try TemporaryDirectory()
        try dir.write("ingress.yaml", Self.ingress(secret: "users"))
        try dir.write("secrets/users.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: {name: users, namespace: default}
            type: Opaque
            data:
              auth: \(Data(file.utf8).base64EncodedString())
            """)
        let result = Self.translate(dir)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let route = try #require(result.table.routes.first)
        #expect(route.policy.refusal == nil)
        let auth = try #require(route.policy.basicAuth)
        #expect(auth.realm == "Staff only")
        #expect(auth.secret == "default/users")
        #expect(auth.users.mapValues(\.kind) == ["alice": .bcrypt, "bob": .apr1])
    }

    @Test func aMalformedSecretFailsTheRouteClosed() async throws {
        let good = try await HtpasswdTool.line(user: "alice", password: "alice-pw", kind: .sha1)
        let dir = try TemporaryDirectory()
        try dir.write("ingress.yaml", Self.ingress(secret: "users"))
        try dir.write("secrets/users.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: {name: users, namespace: default}
            type: Opaque
            stringData:
              auth: |
                \(good)
                bob
            """)
        let result = Self.translate(dir)
        let route = try #require(result.table.routes.first)
        #expect(route.policy.basicAuth == nil)
        #expect(route.policy.refusal?.reason == "auth-secret default/users line 2 is not user:hash")
        let warning = try #require(result.diagnostics.first)
        #expect(warning.reason == DiagnosticReason.authSecretInvalid)
        #expect(warning.message.contains("secret default/users line 2 is not user:hash"), "\(warning.message)")
        #expect(warning.message.contains("fails closed (503)"))
    }
}
