import Foundation

/// Supplies the current bearer token. A token file is re-read whenever its resolved path, size or
/// modification time changes, and at least every ``maximumAge`` (file times are coarse, so an
/// in-place rewrite could keep its stamp): the kubelet rotates projected tokens by swapping a
/// `..data` symlink, and a rotated token must be picked up without a restart. When the file is
/// briefly unreadable mid-rotation, the last token read stays in use.
final class BearerTokenReader: Sendable {
    private struct FileStamp: Equatable {
        var resolvedPath: String
        var size: Int
        var modified: Date
    }

    private struct Cache {
        var stamp: FileStamp?
        var token: String?
        var readAt: ContinuousClock.Instant?
    }

    static let maximumAge: Duration = .seconds(10)

    private let source: BearerTokenSource
    private let cache = LockedValue(Cache())

    init(source: BearerTokenSource) { self.source = source }

    func currentToken() -> String? {
        switch source {
        case .literal(let token):
            return token
        case .file(let path):
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
            let stamp = attributes.map {
                FileStamp(
                    resolvedPath: resolved, size: ($0[.size] as? NSNumber)?.intValue ?? -1,
                    modified: ($0[.modificationDate] as? Date) ?? .distantPast)
            }
            return cache.withLock { cache in
                let now = ContinuousClock.now
                if let stamp, stamp == cache.stamp, let readAt = cache.readAt, now - readAt < Self.maximumAge {
                    return cache.token
                }
                if let text = try? String(contentsOfFile: resolved, encoding: .utf8) {
                    cache.token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    cache.stamp = stamp
                    cache.readAt = now
                }
                return cache.token
            }
        }
    }
}
