import NIOCore
import NIOHTTP1
import SluiceRouting

/// What the request metrics need of the exchange in progress, from its request head to its end:
/// when it started, its labels, and the route's cell it is counted in (found once, when routed).
struct ExchangeMetricsRecord {
    let startedAt: NIODeadline
    let method: MethodLabel
    let proto: ClientProtocolLabel
    /// The client's response bytes written before this exchange's.
    let bytesBefore: Int
    /// Nil until routed (or for a request that matched no route).
    var cell: RouteMetricsCell?
    /// The final status sent; 0 until one is.
    var status = 0
    /// The response is a stream being timed (an event stream; a WebSocket is timed by its tunnel).
    var stream: StreamMetricsRecord?
    /// Why the exchange is being cut, as its deadline said (the stream's end reason).
    var streamEnd: StreamEndReason?
    /// The connection was told to quiesce: a close from here is the shutdown's.
    var quiescing = false
}

/// The client end of an exchange (an HTTP/1 connection or an HTTP/2 stream), as the request
/// metrics see it: a record started with the request head, told the route and the final status,
/// and counted once when the exchange ends, however it ends (the same points as the access log's).
protocol ExchangeMetricsClient: AnyObject {
    var loop: ProxyLoopContext { get }
    var exchangeMetrics: ExchangeMetricsRecord? { get set }
    /// Response bytes written to the client so far (on the connection, or the stream).
    var responseBytesWritten: Int { get }
}

extension ExchangeMetricsClient {
    func metricsRequestStarted(_ method: HTTPMethod, proto: ClientProtocolLabel) {
        exchangeMetrics = ExchangeMetricsRecord(
            startedAt: loop.now, method: MethodLabel(method), proto: proto, bytesBefore: responseBytesWritten)
    }

    func metricsRouted(_ route: Route) {
        guard exchangeMetrics != nil else { return }
        exchangeMetrics?.cell = loop.requestMetrics.cell(for: RouteMetricsKey(route), generation: loop.routes.generation)
    }

    /// A final response head (or a `101`) with `status` went to the client.
    func metricsResponseStarted(status: UInt) {
        exchangeMetrics?.status = Int(status)
    }

    /// The exchange ended: counted under its route, method, status class and protocol, timed from
    /// its request head to now. A client that closed before any status was sent counts as `499`
    /// (nginx's), a response the proxy cut before it had one as `502`. A stream ends with it:
    /// `clientClosed` the client's doing (or the shutdown's), `cut` the proxy's (its deadline's
    /// reason), else the upstream's.
    func metricsExchangeEnded(clientClosed: Bool = false, cut: Bool = false) {
        guard let record = exchangeMetrics else { return }
        exchangeMetrics = nil
        if let stream = record.stream {
            let reason: StreamEndReason =
                clientClosed ? (record.quiescing ? .shutdown : .clientGone) : cut ? record.streamEnd ?? .error : .upstreamEnd
            stream.end(reason, now: loop.now)
        }
        let status = record.status != 0 ? record.status : clientClosed ? 499 : 502
        let cell = record.cell ?? loop.requestMetrics.cell(for: .unrouted, generation: loop.routes.generation)
        cell.shared.streams.bytesSent(responseBytesWritten &- record.bytesBefore)
        let labels = RequestSeriesLabels(method: record.method, status: StatusClassLabel(code: status), proto: record.proto)
        cell.series(for: labels).observe(nanoseconds: (loop.now - record.startedAt).nanoseconds)
    }
}

extension ClientConnectionHandler: ExchangeMetricsClient {}

extension HTTP2StreamHandler: ExchangeMetricsClient {}
