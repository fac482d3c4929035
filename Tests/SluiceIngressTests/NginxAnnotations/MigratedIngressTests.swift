import Foundation
import SluiceIngress
import SluiceManifests
import SluiceRouting
import Testing

/// The golden case of issue 27, read as assertions: `Golden/nginx-40-annotations.yaml` is an
/// Ingress carrying 40 ingress-nginx annotations, and another one carrying none.
@Suite("An Ingress migrated from ingress-nginx")
struct MigratedIngressTests {
    private static func translate(allowing: Bool) throws -> TranslationResult {
        let directory = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
        let yaml = try String(contentsOf: directory.appendingPathComponent("nginx-40-annotations.yaml"), encoding: .utf8)
        #expect(yaml.components(separatedBy: "nginx.ingress.kubernetes.io/").count - 1 == 40)
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "nginx-40-annotations.yaml")
        #expect(errors.isEmpty)
        return IngressTranslator.translate(
            ClusterSnapshot(objects: objects),
            options: TranslationOptions(
                servesClasslessWithoutIngressClasses: true, allowsUnsupportedSecurityAnnotations: allowing))
    }

    @Test func theSupportedAreAppliedTheRestNamedOnceAndTheRoutesFailClosed() throws {
        let result = try Self.translate(allowing: false)
        let migrated = result.table.routes.filter { $0.source == "default/migrated" }
        #expect(migrated.count == 2)
        for route in migrated + [try #require(result.table.defaultBackend)] {
            #expect(route.policy.connectTimeout == .seconds(10))
            #expect(route.policy.readTimeout == .seconds(3600))
            #expect(route.policy.sendTimeout == .seconds(120))
            #expect(route.policy.buffering)
            #expect(route.policy.externalAuth?.host == "oauth2-proxy.auth.svc.cluster.local")
            #expect(route.policy.refusal?.reason == """
                unsupported access-control annotations: enable-owasp-core-rules, satisfy, server-snippet
                """)
            #expect(route.policy.sourceRanges?.allow.map(\.description) == ["10.0.0.0/8", "192.168.0.0/16"])
            #expect(route.policy.cors?.allowedOrigins == [.exact("https://app.example.com")])
            #expect(route.policy.requestHeaders.contains(HeaderField(name: "Host", value: "internal.example.com")))
        }
        let plain = try #require(result.table.routes.first { $0.source == "default/plain" })
        #expect(plain.policy == .default)

        let warnings = result.diagnostics.filter { $0.name == "migrated" }
        #expect(warnings.count == 2)
        // `auth-tls-verify-client` without `auth-tls-secret` asks for nothing, as in ingress-nginx.
        #expect(warnings.contains { $0.reason == DiagnosticReason.ineffectiveAnnotation && $0.message.contains("auth-tls-secret") })
        let warning = try #require(warnings.first { $0.reason == DiagnosticReason.unsupportedAnnotation })
        #expect(warning.message.contains("fails closed"))
        #expect(warning.message.contains("--allow-unsupported-security-annotations"))
        // 24 read (CORS's 3, the limits' 3, external auth's, client certificates', upstream-vhost,
        // x-forwarded-prefix, rewrite-target, the sticky cookie's 3, custom-http-errors and
        // proxy-next-upstream-tries among them), 9 honoured by value, 5 named as unsupported, 2
        // as typos.
        let unsupported = try #require(warning.message.split(separator: "; ").first)
        #expect(unsupported.split(separator: ", ").count == 5)
        #expect(!unsupported.contains("custom-http-errors") && !unsupported.contains("proxy-next-upstream"))
        #expect(!unsupported.contains("rewrite-target"))
        #expect(migrated.allSatisfy { $0.policy.rewrite != nil && $0.policy.regexPaths })
        #expect(!unsupported.contains("affinity") && !unsupported.contains("session-cookie"))
        #expect(!unsupported.contains("cors"))
        #expect(warning.message.contains("(typos?): proxy-read-timout (did you mean proxy-read-timeout?), whitelist-source-ranges"))
        #expect(!result.diagnostics.contains { $0.name == "plain" })
    }

    @Test func withTheFlagTheRoutesAreServedAndStillWarnedAbout() throws {
        let result = try Self.translate(allowing: true)
        #expect(result.table.routes.allSatisfy { $0.policy.refusal == nil })
        #expect(result.table.defaultBackend?.policy.refusal == nil)
        let warnings = result.diagnostics.filter { $0.name == "migrated" && $0.reason == DiagnosticReason.unsupportedAnnotation }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("served without that protection") == true)
    }
}
