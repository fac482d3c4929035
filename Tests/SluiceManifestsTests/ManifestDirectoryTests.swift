import Foundation
import KubeModels
import SluiceIngress
import SluiceManifests
import Testing

/// A fresh directory under the system temp dir, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sluice-manifests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

enum Manifests {
    static func service(_ name: String) -> String {
        "apiVersion: v1\nkind: Service\nmetadata: {name: \(name)}\nspec: {ports: [{port: 80}]}\n"
    }
}

@Suite("Manifest directories")
struct ManifestDirectoryTests {
    @Test func loadsYAMLFilesRecursivelySortedSkippingOthers() throws {
        let dir = try TemporaryDirectory()
        try dir.write("b.yaml", Manifests.service("b"))
        try dir.write("a.yml", Manifests.service("a"))
        try dir.write("nested/deeper/c.yaml", Manifests.service("c"))
        try dir.write("README.md", "not yaml")
        try dir.write("notes.txt", Manifests.service("ignored"))
        try dir.write(".hidden.yaml", Manifests.service("hidden"))
        try dir.write("..data/d.yaml", Manifests.service("configmap-internal"))

        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty)
        #expect(load.files == ["a.yml", "b.yaml", "nested/deeper/c.yaml"])
        #expect(load.snapshot.services.compactMap(\.metadata.name) == ["a", "b", "c"])
    }

    @Test func errorsInOneFileDoNotHideTheOthers() throws {
        let dir = try TemporaryDirectory()
        try dir.write("good.yaml", Manifests.service("good"))
        try dir.write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: [x\n")
        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.snapshot.services.compactMap(\.metadata.name) == ["good"])
        #expect(load.errors.map(\.file) == ["bad.yaml"])
    }

    @Test func missingDirectoryIsAnError() {
        let load = ManifestLoader.load(directory: "/nonexistent/sluice-\(UUID().uuidString)")
        #expect(load.errors.count == 1)
        #expect(load.files.isEmpty)
    }

    @Test func loadedManifestsTranslateWithLoopbackEndpoints() throws {
        let dir = try TemporaryDirectory()
        try dir.write("app.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80, targetPort: 8080}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            endpoints: [{addresses: [127.0.0.1]}]
            ports: [{port: 18080}]
            """)
        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty)
        let result = IngressTranslator.translate(load.snapshot, options: TranslationOptions(servesClasslessWithoutIngressClasses: true))
        let route = try #require(result.table.match(host: "anything", path: "/x"))
        #expect(route.backend.name == "default/web:80")
        #expect(route.backend.endpoints.map(\.description) == ["127.0.0.1:18080"])
    }
}

@Suite("Standalone source policy")
struct StandaloneSourceStateTests {
    static func load(_ names: [String], errors: [ManifestError] = []) -> ManifestLoad {
        let services = names.map { Service(metadata: ObjectMeta(name: $0, namespace: "default")) }
        return ManifestLoad(snapshot: ClusterSnapshot(services: services), errors: errors, files: ["x.yaml"])
    }

    @Test func keepsTheLastGoodSnapshotWhenALoadHasAnyError() {
        var state = StandaloneSourceState()
        let error = ManifestError(file: "x.yaml", document: 1, field: "kind", message: "missing")

        #expect(state.apply(Self.load(["a"], errors: [error])) == .keepLastGood([error]))
        #expect(state.lastGood == nil)

        let good = Self.load(["a"])
        #expect(state.apply(good) == .publish(good.snapshot))
        #expect(state.apply(Self.load(["a", "b"], errors: [error])) == .keepLastGood([error]))
        #expect(state.lastGood == good.snapshot)
        #expect(state.apply(good) == .unchanged)

        let next = Self.load(["a", "b"])
        #expect(state.apply(next) == .publish(next.snapshot))
        #expect(state.lastGood == next.snapshot)
    }
}
