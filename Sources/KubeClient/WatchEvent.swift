/// One line of a WATCH response, decoded.
public enum WatchEvent<Object: Sendable>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// Only the resourceVersion of a bookmark means anything: resume a WATCH from it.
    case bookmark(resourceVersion: String)
    /// A Status the server sent instead of an object; code 410 reason `Expired` means relist.
    case error(KubeStatus)
    /// A line that could not be decoded. The stream goes on with the next line.
    case decodingFailed(line: String, error: String)
}

extension WatchEvent: Equatable where Object: Equatable {}
