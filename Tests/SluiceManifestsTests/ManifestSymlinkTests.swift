import Foundation
import SluiceManifests
import Testing

@Suite("Manifest directories with symbolic links")
struct ManifestSymlinkTests {
    /// The layout kubelet gives a ConfigMap volume: real files in a hidden timestamped directory,
    /// `..data` linking to it, and one visible link per key.
    @Test func loadsAConfigMapVolumeLayout() throws {
        let dir = try TemporaryDirectory()
        try dir.write("..2024_05_01_12_00_00.123/app.yaml", Manifests.service("app"))
        try dir.write("..2024_05_01_12_00_00.123/more.yml", Manifests.service("more"))
        try dir.link("..data", to: "..2024_05_01_12_00_00.123")
        try dir.link("app.yaml", to: "..data/app.yaml")
        try dir.link("more.yml", to: "..data/more.yml")

        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty)
        #expect(load.files == ["app.yaml", "more.yml"])
        #expect(load.snapshot.services.compactMap(\.metadata.name) == ["app", "more"])
    }

    @Test func loadsPlainLinksToFilesAndDirectoriesElsewhere() throws {
        let dir = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        try elsewhere.write("web.yaml", Manifests.service("web"))
        try elsewhere.write("team/api.yaml", Manifests.service("api"))
        try dir.link("web.yaml", to: elsewhere.path + "/web.yaml")
        try dir.link("shared", to: elsewhere.path + "/team")
        try dir.link("loop", to: ".")

        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.isEmpty)
        #expect(load.files == ["shared/api.yaml", "web.yaml"])
        #expect(load.snapshot.services.compactMap(\.metadata.name) == ["api", "web"])
    }

    @Test func aBrokenLinkIsAnErrorNamingTheLink() throws {
        let dir = try TemporaryDirectory()
        try dir.write("good.yaml", Manifests.service("good"))
        try dir.link("gone.yaml", to: "..data/gone.yaml")

        let load = ManifestLoader.load(directory: dir.path)
        #expect(load.errors.map(\.file) == ["gone.yaml"])
        #expect(load.snapshot.services.compactMap(\.metadata.name) == ["good"])
    }
}

extension TemporaryDirectory {
    /// Creates the symbolic link `relativePath` pointing at `target` (as given: relative or not).
    func link(_ relativePath: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relativePath, withDestinationPath: target)
    }
}
