/// One Server-Sent Event as the probe received it.
public struct ReceivedEvent: Sendable, Hashable {
    /// When the blank line that completes the event arrived, from the start of the request.
    public var at: Duration
    /// The bytes of the event's lines, its terminating blank line included.
    public var bytes: Int

    public init(at: Duration, bytes: Int) {
        self.at = at
        self.bytes = bytes
    }
}
