import NIOCore

/// What an `UpstreamServer` does with each request.
public enum UpstreamBehaviour: Sendable {
    /// Answers `200` with a text body describing the request (see `UpstreamEchoHandler`).
    case echo
    /// Answers with an event stream of `count` events, the first `freeEvents` at once and each
    /// later one after taking a permit (see `UpstreamEventStreamHandler`).
    case eventStream(count: Int, permits: UpstreamPermits, freeEvents: Int = 0)
    /// Answers with an event stream of `events` events of `eventBytes` bytes, one produced every
    /// `interval`, written as `writes` says: as they come, or held back as a buffering proxy would
    /// (see `UpstreamPacedEventStreamHandler`).
    case pacedEventStream(events: Int, interval: Duration, eventBytes: Int = 64, writes: EventStreamWrites)
    /// Upgrades `GET` requests with `Upgrade: websocket` and echoes text and binary frames.
    case webSocketEcho
    /// Answers `200` with `bytes` bytes, written as fast as the connection accepts them.
    case byteSource(bytes: Int, stats: UpstreamByteSourceStats)
    /// Switches protocols on the first request (`101`), then sends `bytes` raw bytes through the
    /// switched connection as fast as it accepts them.
    case upgradeThenByteSource(bytes: Int, stats: UpstreamByteSourceStats)
    /// Accepts connections and never answers.
    case silent
    /// Sends a response head and then nothing, ever.
    case headThenStall
    /// Reports every request body part to `recorder` as it arrives, answers at the end. With a
    /// `readGate`, stops reading after the request head until the gate grants a permit (a slow
    /// upstream, for upload backpressure).
    case upload(recorder: UpstreamUploadRecorder, readGate: UpstreamPermits? = nil)
    /// Answers every request with these raw bytes, piece by piece: the first `freePieces` at
    /// once, each later one after taking a permit (see `UpstreamScriptHandler`).
    case script([String], permits: UpstreamPermits = UpstreamPermits(), freePieces: Int = 1)
    /// Answers a request with these raw bytes as soon as its head has arrived, and then stops
    /// reading (an upload refused without being read), or with `thenClose` closes the connection
    /// (see `UpstreamEarlyAnswerHandler`).
    case answerAtHead(String, thenClose: Bool = false)
    /// Answers every request with these raw bytes at once, then, after taking a permit, resets
    /// the connection (`SO_LINGER` 0: an RST, not a FIN).
    case scriptThenReset([String], permits: UpstreamPermits)
}
