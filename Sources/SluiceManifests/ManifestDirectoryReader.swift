import Foundation

/// Reads a manifest directory: every `*.yaml`/`*.yml` file below it, recursively.
///
/// - Entries whose name starts with `.` are not walked into or read directly: a ConfigMap mounted
///   as a volume keeps its real files under `..data`/`..<timestamp>`, and reading those as well
///   would load every object twice. Its visible `x.yaml -> ..data/x.yaml` links are read.
/// - Symbolic links are followed for files and directories (each directory is walked once, so a
///   link cycle ends); errors name the link's path. A link to nothing is an error, not a file
///   silently gone.
/// - A file larger than `fileSizeLimit` is an error and is not read.
///
/// Keep one reader across polls: a file whose status (device, inode, size, times) is unchanged
/// is not read again. A file modified within the last `racyWindow` is read on every scan anyway,
/// because a second write in the same timestamp tick with the same size would not change its
/// status.
struct ManifestDirectoryReader {
    static let defaultFileSizeLimit = 8 * 1024 * 1024
    static let racyWindow: Duration = .seconds(2)

    let directory: String
    let fileSizeLimit: Int
    private var cache: [String: CachedFile] = [:]
    /// The directories the last scan depended on: the root, every directory walked (through
    /// links too), and the directory holding each linked file's target (a ConfigMap volume's
    /// `..<timestamp>` directory). A change to any of them can change the next scan.
    private(set) var dependedOnDirectories: Set<String> = []

    private struct CachedFile {
        var status: FileStatus
        var contents: Data
        var contentHash: UInt64
        /// Old enough when read that an unchanged status means unchanged contents.
        var trusted: Bool
    }

    private struct Found {
        var path: String
        var absolutePath: String
        var status: FileStatus
    }

    init(directory: String, fileSizeLimit: Int = Self.defaultFileSizeLimit) {
        self.directory = directory
        self.fileSizeLimit = fileSizeLimit
    }

    static func isManifestName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }

    mutating func scan() -> ManifestDirectory.Scan {
        guard let root = FileStatus.following(directory), root.kind == .directory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else {
            cache = [:]
            // Watching it fails while it is missing, so the watcher polls until it appears.
            dependedOnDirectories = [directory]
            return ManifestDirectory.Scan(files: [], fingerprint: [], error: "not a readable directory")
        }
        var found: [Found] = []
        var problems: [ManifestError] = []
        var visited: Set<FileIdentity> = [root.fileIdentity]
        var directories: Set<String> = [directory]
        walk(
            names: names, absolute: directory, relative: "", visited: &visited, directories: &directories,
            found: &found, problems: &problems)
        dependedOnDirectories = directories
        found.sort { $0.path < $1.path }

        let now = Date().timeIntervalSince1970
        var files: [ManifestDirectory.File] = []
        var fingerprint: [ManifestDirectory.Entry] = []
        var nextCache: [String: CachedFile] = [:]
        for file in found {
            guard file.status.size <= Int64(fileSizeLimit) else {
                problems.append(tooLarge(file.path, size: Int(file.status.size)))
                fingerprint.append(ManifestDirectory.Entry(path: file.path, status: file.status, contentHash: 0))
                continue
            }
            let cached: CachedFile
            if let previous = cache[file.path], previous.trusted, previous.status == file.status {
                cached = previous
            } else {
                guard let contents = FileManager.default.contents(atPath: file.absolutePath) else {
                    problems.append(ManifestError(file: file.path, document: 0, message: "cannot be read"))
                    continue
                }
                guard contents.count <= fileSizeLimit else {
                    problems.append(tooLarge(file.path, size: contents.count))
                    fingerprint.append(ManifestDirectory.Entry(path: file.path, status: file.status, contentHash: 0))
                    continue
                }
                cached = CachedFile(
                    status: file.status, contents: contents, contentHash: Self.fnv1a(contents),
                    trusted: Self.isSettled(file.status, now: now))
            }
            nextCache[file.path] = cached
            files.append(ManifestDirectory.File(path: file.path, contents: cached.contents))
            fingerprint.append(ManifestDirectory.Entry(path: file.path, status: file.status, contentHash: cached.contentHash))
        }
        cache = nextCache
        problems.sort { ($0.file, $0.message) < ($1.file, $1.message) }
        return ManifestDirectory.Scan(files: files, fingerprint: fingerprint, problems: problems, error: nil)
    }

    private func walk(
        names: [String], absolute: String, relative: String, visited: inout Set<FileIdentity>,
        directories: inout Set<String>, found: inout [Found], problems: inout [ManifestError]
    ) {
        for name in names.sorted() where !name.hasPrefix(".") {
            let absolutePath = absolute + "/" + name
            let path = relative.isEmpty ? name : relative + "/" + name
            guard let entry = FileStatus.ofLink(absolutePath) else { continue }
            var status = entry
            if entry.kind == .symbolicLink {
                guard let target = FileStatus.following(absolutePath) else {
                    if Self.isManifestName(name) {
                        problems.append(ManifestError(file: path, document: 0, message: "symbolic link to a file that does not exist"))
                    }
                    continue
                }
                status = target
            }
            switch status.kind {
            case .directory:
                guard visited.insert(status.fileIdentity).inserted else { continue }
                directories.insert(absolutePath)
                guard let children = try? FileManager.default.contentsOfDirectory(atPath: absolutePath) else {
                    problems.append(ManifestError(file: path, document: 0, message: "directory cannot be read"))
                    continue
                }
                walk(
                    names: children, absolute: absolutePath, relative: path, visited: &visited,
                    directories: &directories, found: &found, problems: &problems)
            case .regular where Self.isManifestName(name):
                found.append(Found(path: path, absolutePath: absolutePath, status: status))
                if entry.kind == .symbolicLink, let target = Self.resolved(absolutePath) {
                    directories.insert(Self.parent(of: target))
                }
            default:
                continue
            }
        }
    }

    /// The path with every link resolved, or nil if it cannot be.
    private static func resolved(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private func tooLarge(_ path: String, size: Int) -> ManifestError {
        let mebibyte = 1024 * 1024
        let limit = fileSizeLimit % mebibyte == 0 ? "\(fileSizeLimit / mebibyte) MiB" : "\(fileSizeLimit) bytes"
        return ManifestError(file: path, document: 0, message: "file is \(size) bytes, over the limit of \(limit) per manifest file")
    }

    /// Whether the file's times are far enough in the past that a later write must change them.
    private static func isSettled(_ status: FileStatus, now: Double) -> Bool {
        let window = Double(racyWindow.components.seconds)
        let newest = Double(max(status.modified, status.changed)) / 1_000_000_000
        return now - newest > window
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
