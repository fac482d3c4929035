import Foundation
import KubeModels
import SluiceManifests
import Testing

@Suite("Manifest limits and duplicates")
struct ManifestLimitsTests {
    @Test func aFileOverTheSizeLimitIsAnErrorNamingFileAndLimit() throws {
        let dir = try TemporaryDirectory()
        try dir.write("good.yaml", Manifests.service("good"))
        let padding = String(repeating: "# padding\n", count: 8 * 1024 * 1024 / 10 + 1)
        try dir.write("huge.yaml", Manifests.service("huge") + padding)

        let load = ManifestLoader.load(directory: dir.path)
        let error = try #require(load.errors.first)
        #expect(load.errors.count == 1)
        #expect(error.file == "huge.yaml")
        #expect(error.description.contains("8 MiB"))
        #expect(load.snapshot.services.compactMap(\.metadata.name) == ["good"])
    }

    @Test func theSameObjectInTwoFilesIsAnErrorNamingBoth() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", Manifests.service("web"))
        try dir.write("b.yaml", Manifests.service("other") + "---\n" + Manifests.service("web"))

        let load = ManifestLoader.load(directory: dir.path)
        let error = try #require(load.errors.first)
        #expect(load.errors.count == 1)
        #expect(error.file == "b.yaml")
        #expect(error.document == 2)
        #expect(error.description == "b.yaml: document 2: duplicate Service default/web: already defined in a.yaml document 1; only one definition is allowed")
    }

    @Test func theSameObjectTwiceInOneFileIsAnError() {
        let yaml = Manifests.service("web") + "---\n" + Manifests.service("web")
        let (_, errors) = ManifestLoader.parse(yaml: yaml, file: "x.yaml")
        #expect(errors.map(\.description) == [
            "x.yaml: document 2: duplicate Service default/web: already defined in document 1 of this file; only one definition is allowed",
        ])
    }

    @Test func sameNameInAnotherKindOrNamespaceIsNoDuplicate() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", Manifests.service("web"))
        try dir.write("b.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: other}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            """)
        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty)
        #expect(load.snapshot.services.count == 2)
        #expect(load.snapshot.ingresses.count == 1)
    }
}
