import NIOCore
import NIOHTTP1

/// The client end of one exchange: an HTTP/1 connection (`ClientConnectionHandler`) today, an
/// HTTP/2 stream next.
///
/// `ProxiedExchange` drives the upstream side — the attempt, the request parts, the response as
/// it arrives, the upstream's deadlines — and tells its client what happens; the client applies
/// its own protocol's rules (keep-alive, pipelining and lingering close for HTTP/1; stream resets
/// for HTTP/2) and frames the response with its `ClientResponseWriter`.
///
/// Writes of the response (`write…`) are written at once and flushed by ``flushResponse()``, which
/// the exchange calls once per upstream read burst.
protocol ExchangeClient: ExchangeMetricsClient {
    /// What the connection shares with the others of its event loop (pool, clock, deadlines,
    /// metrics).
    var loop: ProxyLoopContext { get }
    var dataPlane: ProxyDataPlane { get }
    /// The exchange the client is answering now: an exchange that is not it any more (the client
    /// went away, or failed it) lets go of what it acquires.
    var exchange: ProxiedExchange? { get }
    /// Whether the client can still be answered.
    var isOpen: Bool { get }

    // MARK: The response

    /// Whether a chunked upstream body may be relayed as the upstream framed it (see
    /// `ClientResponseWriter.relaysChunkedBodies`).
    var relaysChunkedBodies: Bool { get }
    /// A final response head is about to be written (decoded or relayed): returns whether the
    /// client's connection closes after this response (`mustClose`: the exchange knows it must).
    /// A head that refuses an upload (an error before the body's end) has the rest of the body
    /// dropped from here (`ProxiedExchange.uploadRefused`).
    func responseHeadStarts(status: HTTPResponseStatus, mustClose: Bool) -> Bool
    /// Writes a response head made by a `ResponseHeadPlan`, interim or final, and compresses
    /// the body after it as `compression` says (the policy decided it).
    func writeResponseHead(_ head: HTTPResponseHead, compression: ResponseCompression)
    /// Writes the head of an event stream whose body is relayed as the upstream chunked it.
    func writeRelayedHead(_ head: ChunkedResponseHead, plan: ResponseHeadPlan)
    func writeResponseBody(_ buffer: ByteBuffer)
    /// Bytes of a relayed body, framed as the upstream framed them.
    func writeRelayed(_ bytes: ByteBuffer)
    /// Flushes what was written since the last flush; returns whether anything was.
    func flushResponse() -> Bool
    /// Whether the client takes more response bytes now.
    var responseIsWritable: Bool { get }
    /// Response bytes written and not yet taken by the client.
    var responseBufferedBytes: Int { get }

    // MARK: How the exchange ends

    /// The upstream's response ended (the exchange already let go of its upstream connection).
    func responseEnded(_ exchange: ProxiedExchange, trailers: HTTPHeaders?)
    /// The exchange failed with `error`: answered with it if no response started, else cut.
    func exchangeFailed(_ exchange: ProxiedExchange, _ error: ProxyErrorResponse)
    /// The exchange ends without its response's end (a stream at its cap, a client that stopped
    /// reading): the client sees it cut short.
    func exchangeCut(_ exchange: ProxiedExchange)
    /// The upstream switched protocols (`101`) and its response head ended: the client and the
    /// upstream connection become a tunnel.
    func upgraded(_ exchange: ProxiedExchange, connection: UpstreamConnection, head: HTTPResponseHead)

    // MARK: The request

    /// The upstream can take request bytes again (connected, writable, or the response refused
    /// the rest of the body): the client may be read.
    func requestMayFlow()
    /// The exchange's next deadline may have come earlier (see `ProxiedExchange.nextDeadline`).
    func exchangeDeadlinesChanged()
}
