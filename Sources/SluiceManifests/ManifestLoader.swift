import Foundation
import KubeModels
import SluiceIngress

/// The result of reading a manifest directory.
public struct ManifestLoad: Sendable, Hashable {
    /// Every object read without error (objects of a document with an error are left out).
    public var snapshot: ClusterSnapshot
    /// Empty when the load is good.
    public var errors: [ManifestError]
    /// Relative paths of the files read, sorted.
    public var files: [String]

    public init(snapshot: ClusterSnapshot, errors: [ManifestError], files: [String]) {
        self.snapshot = snapshot
        self.errors = errors
        self.files = files
    }
}

/// Reads Ingress, IngressClass, Service, EndpointSlice and Secret manifests from YAML files:
/// the source of `sluice serve --manifests DIR`, translated exactly like cluster state.
///
/// Standalone mode accepts any endpoint address, loopback included (the API server would reject
/// `127.0.0.0/8`; files are not the API server). The same object (kind, namespace, name) defined
/// twice is an error: the API server would hold only one.
public enum ManifestLoader {
    /// Loads every `*.yaml`/`*.yml` file below `directory` (recursive, sorted, hidden entries
    /// skipped, symbolic links followed; see ``ManifestDirectoryReader``). Files may hold several
    /// documents and `List` objects.
    public static func load(directory: String) -> ManifestLoad {
        load(ManifestDirectory.scan(directory), directory: directory)
    }

    static func load(_ scan: ManifestDirectory.Scan, directory: String) -> ManifestLoad {
        read(scan, directory: directory).load
    }

    /// The load of `scan`, and the files that contributed at least one object to it.
    static func read(_ scan: ManifestDirectory.Scan, directory: String) -> (load: ManifestLoad, filesWithObjects: Set<String>) {
        if let error = scan.error {
            let load = ManifestLoad(
                snapshot: ClusterSnapshot(), errors: [ManifestError(file: directory, document: 0, message: error)], files: [])
            return (load, [])
        }
        var located: [DuplicateObjects.Located] = []
        var errors = scan.problems
        for file in scan.files {
            guard let text = String(data: file.contents, encoding: .utf8) else {
                errors.append(ManifestError(file: file.path, document: 0, message: "not UTF-8 text"))
                continue
            }
            var parser = ManifestParser(file: file.path)
            parser.parse(text)
            located += zip(parser.objects, parser.documents).map {
                DuplicateObjects.Located(object: $0, file: file.path, document: $1)
            }
            errors += parser.errors
        }
        errors += DuplicateObjects.errors(in: located)
        let load = ManifestLoad(
            snapshot: ClusterSnapshot(objects: located.map(\.object)), errors: errors, files: scan.files.map(\.path))
        return (load, Set(located.map(\.file)))
    }

    /// Parses one file's text; `file` only names it in errors. An object defined twice in the
    /// text is an error.
    public static func parse(yaml: String, file: String) -> ([ManifestObject], [ManifestError]) {
        var parser = ManifestParser(file: file)
        parser.parse(yaml)
        let located = zip(parser.objects, parser.documents).map {
            DuplicateObjects.Located(object: $0, file: file, document: $1)
        }
        return (parser.objects, parser.errors + DuplicateObjects.errors(in: located))
    }
}
