import Foundation
import KubeModels
import SluiceIngress
import SluiceManifests
import SluiceRouting
import Testing

/// Golden files: `Golden/<case>.yaml` holds input manifests, `Golden/<case>.routes` the expected
/// `RoutingTableText` output followed by `# owned: ...` (the Ingresses we serve) and one
/// `# diagnostic: ...` line per diagnostic.
///
/// A case may set translation options in lines at the top of its YAML, such as
/// `# option: watchNamespace=team-a` (also `ingressClass=`, `controllerName=`). Cases translate
/// as the controller does unless they say `# option: standalone` (as `sluice serve` does:
/// `servesClasslessWithoutIngressClasses`); `# option: allowUnsupportedSecurityAnnotations`
/// translates as with `--allow-unsupported-security-annotations`. `# option: defaultCertificate=ns/name`
/// sets `--default-ssl-certificate`, `# option: defaultBackendService=ns/name`
/// `--default-backend-service`. Certificates are judged at 2030-06-01 (`TLSFixtures.now`); a
/// case makes its own with `# certificate:` lines (`GoldenCertificates`).
///
/// To rewrite the expected files after an intended change, run
/// `SLUICE_UPDATE_GOLDEN=1 swift test --filter SluiceIngressTests`, then review every diff:
/// the committed `.routes` files are the specification.
@Suite("Golden translation cases")
struct GoldenTests {
    static func caseNames() -> [String] {
        guard let directory = Bundle.module.url(forResource: "Golden", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(".yaml".count)) }.sorted()
    }

    @Test func thereAreEnoughCases() {
        #expect(Self.caseNames().count >= 15)
    }

    @Test(arguments: caseNames())
    func golden(_ name: String) throws {
        let directory = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
        let yaml = try GoldenCertificates.expand(String(contentsOf: directory.appendingPathComponent("\(name).yaml"), encoding: .utf8))
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "\(name).yaml")
        #expect(errors.isEmpty, "manifest errors: \(errors)")

        let result = IngressTranslator.translate(ClusterSnapshot(objects: objects), options: Self.options(in: yaml), now: TLSFixtures.now)
        var actual = RoutingTableText.render(result.table)
        actual += "# owned: \(result.ownedIngresses.sorted().joined(separator: " "))\n"
        for diagnostic in result.diagnostics {
            actual += "# diagnostic: \(diagnostic)\n"
        }

        if ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDEN"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).routes")
            try actual.write(to: source, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: directory.appendingPathComponent("\(name).routes"), encoding: .utf8)
        #expect(actual == expected, "golden \(name).routes differs; actual:\n\(actual)")
    }

    @Test func translationIsDeterministicUnderInputOrder() throws {
        let directory = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
        for name in Self.caseNames() {
            let yaml = try GoldenCertificates.expand(String(contentsOf: directory.appendingPathComponent("\(name).yaml"), encoding: .utf8))
            let (objects, _) = ManifestLoader.parse(yaml: yaml, file: name)
            let options = Self.options(in: yaml)
            let forward = IngressTranslator.translate(ClusterSnapshot(objects: objects), options: options, now: TLSFixtures.now)
            let backward = IngressTranslator.translate(ClusterSnapshot(objects: objects.reversed()), options: options, now: TLSFixtures.now)
            #expect(forward.table == backward.table, "\(name)")
            #expect(Set(forward.diagnostics) == Set(backward.diagnostics), "\(name)")
        }
    }

    static func options(in yaml: String) -> TranslationOptions {
        var options = TranslationOptions()
        for line in yaml.split(separator: "\n") where line.hasPrefix("# option: ") {
            if line == "# option: standalone" {
                options.servesClasslessWithoutIngressClasses = true
                continue
            }
            if line == "# option: allowUnsupportedSecurityAnnotations" {
                options.allowsUnsupportedSecurityAnnotations = true
                continue
            }
            let setting = line.dropFirst("# option: ".count).split(separator: "=", maxSplits: 1).map(String.init)
            guard setting.count == 2 else { continue }
            switch setting[0] {
            case "watchNamespace": options.watchNamespace = setting[1]
            case "ingressClass": options.ingressClass = setting[1]
            case "controllerName": options.controllerName = setting[1]
            case "defaultCertificate": options.defaultCertificateSecret = setting[1]
            case "defaultBackendService": options.defaultBackendService = setting[1]
            default: continue
            }
        }
        return options
    }
}
