import Foundation

/// One read of a manifest directory: every `*.yaml`/`*.yml` file below it (recursive, sorted by
/// relative path) with its bytes, and a fingerprint of names, sizes, modification times and
/// contents to tell whether anything changed since the previous read.
///
/// Entries whose name starts with `.` are skipped, files and directories alike: a ConfigMap
/// mounted as a volume keeps its real files under `..data`/`..<timestamp>` and links to them,
/// so reading hidden entries would load every object twice.
struct ManifestDirectory {
    struct File {
        var path: String
        var contents: Data
    }

    struct Scan: Equatable {
        var files: [File]
        var fingerprint: [Entry]
        var error: String?

        static func == (a: Scan, b: Scan) -> Bool { a.fingerprint == b.fingerprint && a.error == b.error }
    }

    struct Entry: Hashable {
        var path: String
        var size: Int
        var modified: Double
        var contentHash: UInt64
    }

    static func scan(_ directory: String) -> Scan {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return Scan(files: [], fingerprint: [], error: "not a readable directory")
        }
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        guard let enumerator = manager.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey],
            options: [.skipsHiddenFiles]
        ) else {
            return Scan(files: [], fingerprint: [], error: "not a readable directory")
        }
        var found: [(path: String, url: URL)] = []
        let rootPath = root.standardizedFileURL.path
        for case let url as URL in enumerator {
            let name = url.lastPathComponent
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            var relative = url.standardizedFileURL.path
            if relative.hasPrefix(rootPath + "/") { relative.removeFirst(rootPath.count + 1) }
            found.append((relative, url))
        }
        found.sort { $0.path < $1.path }

        var files: [File] = []
        var fingerprint: [Entry] = []
        for (path, url) in found {
            guard let contents = manager.contents(atPath: url.path) else { continue }
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey])
            files.append(File(path: path, contents: contents))
            fingerprint.append(Entry(
                path: path, size: values?.fileSize ?? contents.count,
                modified: values?.contentModificationDate?.timeIntervalSince1970 ?? 0,
                contentHash: fnv1a(contents)
            ))
        }
        return Scan(files: files, fingerprint: fingerprint, error: nil)
    }

    private static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
