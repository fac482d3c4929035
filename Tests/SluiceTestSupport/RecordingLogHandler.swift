import Logging
import NIOConcurrencyHelpers

/// A log handler that appends `"LEVEL message"` for every record to a shared list, for tests
/// that assert what was logged.
public struct RecordingLogHandler: LogHandler {
    public let events: NIOLockedValueBox<[String]>
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(events: NIOLockedValueBox<[String]>) {
        self.events = events
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        events.withLockedValue { $0.append("\(event.level) \(event.message)") }
    }
}
