#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat(2)` says about a path: enough to tell whether a file changed without reading it.
///
/// Two statuses are equal when the file is very likely unchanged: the same file (device, inode)
/// with the same size and change/modification times. A rename over the path (an atomic save, a
/// ConfigMap's `..data` swap) changes the inode; an in-place write changes size or times.
struct FileStatus: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case regular
        case directory
        case symbolicLink
        case other
    }

    var kind: Kind
    var device: UInt64
    var inode: UInt64
    var size: Int64
    /// Modification time in nanoseconds since the epoch.
    var modified: Int64
    /// Status change time in nanoseconds since the epoch (cannot be set by `touch`).
    var changed: Int64

    /// The status of `path`'s target, following symbolic links; nil when it does not exist (a
    /// broken link) or cannot be examined.
    static func following(_ path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// The status of `path` itself: a symbolic link is reported as `.symbolicLink`.
    static func ofLink(_ path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    fileprivate static func nanoseconds(_ time: timespec) -> Int64 {
        Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The identity of a directory, to avoid walking a symlinked directory twice (or in a cycle).
    var fileIdentity: FileIdentity { FileIdentity(device: device, inode: inode) }
}

struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}

extension FileStatus {
    fileprivate init(_ info: stat) {
        let kind: Kind = switch info.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        default: .other
        }
        #if canImport(Darwin)
        let (modified, changed) = (info.st_mtimespec, info.st_ctimespec)
        #else
        let (modified, changed) = (info.st_mtim, info.st_ctim)
        #endif
        self.init(
            kind: kind, device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino),
            size: Int64(info.st_size), modified: Self.nanoseconds(modified), changed: Self.nanoseconds(changed))
    }
}
