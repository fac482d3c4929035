/// Whether an event stream's chunked body goes to the client as the upstream framed it
/// (`UpstreamResponseSplitter` relays it past the decoder and the encoder), decided once: what
/// the request allows, fixed when it is sent; what the response says, read once from its head as
/// `ChunkedResponseHead` parses it. Nobody changes the decision afterwards.
struct RelayPlan: Equatable, Sendable {
    /// The route declares the path an event stream: every final head is cut, whatever its
    /// `Content-Type`.
    let declaredEventStream: Bool
    /// The request lets a body be relayed at all: an HTTP/1.1 client (it reads chunks) and a
    /// writer that takes pre-framed bytes (`ClientResponseWriter.relaysChunkedBodies`). Upgrade
    /// and `HEAD` requests expect no relayable body and are not planned for.
    let allowed: Bool
    /// The request's `Accept` lists `text/event-stream`: the head is likely one to parse in one
    /// pass, before scanning for its end.
    let clientAcceptsEventStream: Bool
    /// The trailer section a relayed body may end with, at most.
    let maxTrailerBytes: Int

    /// Whether the body after `head` is relayed: an event stream (declared, or by its
    /// `Content-Type`) from an HTTP/1.1 upstream, with a body (`ChunkedResponseHead` parses only
    /// final heads framed by `Transfer-Encoding: chunked` alone).
    func relays(_ head: ChunkedResponseHead) -> Bool {
        allowed && (declaredEventStream || head.declaresEventStream) && head.version == .http1_1
            && head.status.mayHaveResponseBody
    }
}
