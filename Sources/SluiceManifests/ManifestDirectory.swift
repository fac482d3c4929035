import Foundation

/// One read of a manifest directory (see ``ManifestDirectoryReader``): every `*.yaml`/`*.yml`
/// file below it with its bytes, sorted by relative path, the problems met while reading, and a
/// fingerprint (per file: status and content hash) that tells whether anything changed since
/// the previous read.
struct ManifestDirectory {
    struct File: Sendable {
        /// Relative to the directory; for a symbolic link, the link's path, not its target's.
        var path: String
        var contents: Data
    }

    struct Scan: Equatable, Sendable {
        var files: [File]
        var fingerprint: [Entry]
        /// Files that could not be read (too large, unreadable, a broken link).
        var problems: [ManifestError] = []
        /// The directory as a whole could not be read.
        var error: String?

        static func == (a: Scan, b: Scan) -> Bool {
            a.fingerprint == b.fingerprint && a.problems == b.problems && a.error == b.error
        }

        /// Relative paths of the files that exist but are empty (0 bytes).
        var emptyFiles: Set<String> {
            Set(fingerprint.filter { $0.status.size == 0 }.map(\.path))
        }
    }

    struct Entry: Hashable, Sendable {
        var path: String
        var status: FileStatus
        var contentHash: UInt64
    }

    /// Reads `directory` once, without a cache.
    static func scan(_ directory: String) -> Scan {
        var reader = ManifestDirectoryReader(directory: directory)
        return reader.scan()
    }
}
