import Foundation

/// Turns one WATCH line (`{"type":"ADDED","object":{...}}`) into a ``WatchEvent``. Never throws:
/// what cannot be decoded becomes ``WatchEvent/decodingFailed(line:error:)``.
enum WatchEventDecoding {
    private struct EventType: Decodable { var type: String }
    private struct Envelope<Object: Decodable>: Decodable { var object: Object }
    private struct Bookmark: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata?
    }

    /// Lines longer than this are cut in `decodingFailed` reports.
    static let reportedLineLimit = 4096

    static func decode<Object: Decodable & Sendable>(
        _ line: Data, as type: Object.Type, decoder: JSONDecoder
    ) -> WatchEvent<Object> {
        do {
            switch try decoder.decode(EventType.self, from: line).type {
            case "ADDED": return .added(try decoder.decode(Envelope<Object>.self, from: line).object)
            case "MODIFIED": return .modified(try decoder.decode(Envelope<Object>.self, from: line).object)
            case "DELETED": return .deleted(try decoder.decode(Envelope<Object>.self, from: line).object)
            case "BOOKMARK":
                let bookmark = try decoder.decode(Envelope<Bookmark>.self, from: line).object
                guard let version = bookmark.metadata?.resourceVersion else {
                    return failed(line, "BOOKMARK without metadata.resourceVersion")
                }
                return .bookmark(resourceVersion: version)
            case "ERROR": return .error(try decoder.decode(Envelope<KubeStatus>.self, from: line).object)
            case let other: return failed(line, "unknown event type \"\(other)\"")
            }
        } catch {
            return failed(line, "\(error)")
        }
    }

    private static func failed<Object>(_ line: Data, _ reason: String) -> WatchEvent<Object> {
        .decodingFailed(line: String(decoding: line.prefix(reportedLineLimit), as: UTF8.self), error: reason)
    }
}
