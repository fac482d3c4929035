import Logging
import NIOConcurrencyHelpers

/// A log handler that appends `"LEVEL message"` for every record to a shared list, for tests
/// that assert what was logged; with `includesMetadata`, followed by ` key=value` for each of
/// the record's metadata, in key order.
public struct RecordingLogHandler: LogHandler {
    public let events: NIOLockedValueBox<[String]>
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    private let includesMetadata: Bool

    public init(events: NIOLockedValueBox<[String]>, includesMetadata: Bool = false) {
        self.events = events
        self.includesMetadata = includesMetadata
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "\(event.level) \(event.message)"
        if includesMetadata {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            line += all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        }
        events.withLockedValue { $0.append(line) }
    }
}
