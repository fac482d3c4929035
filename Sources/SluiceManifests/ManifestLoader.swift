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
/// `127.0.0.0/8`; files are not the API server).
public enum ManifestLoader {
    /// Loads every `*.yaml`/`*.yml` file below `directory` (recursive, sorted, hidden entries
    /// skipped). Files may hold several documents and `List` objects.
    public static func load(directory: String) -> ManifestLoad {
        load(ManifestDirectory.scan(directory), directory: directory)
    }

    static func load(_ scan: ManifestDirectory.Scan, directory: String) -> ManifestLoad {
        if let error = scan.error {
            return ManifestLoad(
                snapshot: ClusterSnapshot(), errors: [ManifestError(file: directory, document: 0, message: error)], files: []
            )
        }
        var objects: [ManifestObject] = []
        var errors: [ManifestError] = []
        for file in scan.files {
            guard let text = String(data: file.contents, encoding: .utf8) else {
                errors.append(ManifestError(file: file.path, document: 0, message: "not UTF-8 text"))
                continue
            }
            let (parsed, problems) = parse(yaml: text, file: file.path)
            objects += parsed
            errors += problems
        }
        return ManifestLoad(snapshot: ClusterSnapshot(objects: objects), errors: errors, files: scan.files.map(\.path))
    }

    /// Parses one file's text; `file` only names it in errors.
    public static func parse(yaml: String, file: String) -> ([ManifestObject], [ManifestError]) {
        var parser = ManifestParser(file: file)
        parser.parse(yaml)
        return (parser.objects, parser.errors)
    }
}
