import NIOCore
import NIOHTTP1

/// An upgraded exchange (`101`) becomes a tunnel: the `101` goes to the client, and the client
/// connection and the upstream connection are spliced (`TunnelSplice`), this handler leaving.
extension ClientConnectionHandler {
    func upgraded(_ exchange: ProxiedExchange, connection: UpstreamConnection, head: HTTPResponseHead) {
        guard let context else { return }
        let method = machine.exchange?.method
        machine.upgraded()
        cancelTimer()
        self.exchange = nil
        if let holds = exchange.tunnelHolds {
            // The tunnel holds the request's places (under its client's in-flight cap, among its
            // endpoint's requests in flight) until it closes.
            context.channel.closeFuture.whenComplete { _ in withExtendedLifetime(holds) {} }
        }
        connection.handler.delegate = nil
        metrics.tunnelOpened()
        let clientHead = ClientResponseHead.make(from: head, plan: exchange.headPlan(kind: .upgrade, closeClient: false, status: head.status))
        clientFlushPending = false
        writeResponseHead(clientHead, answering: method)
        context.flush()
        metricsExchangeEnded()
        let tunnelLog = accessLog != nil ? takeTunnelLogEntry() : nil
        // The splice removes the decoder, whose place an attached encoder writes from.
        writer.decoderLeaving()

        do {
            // A tunnel is a stream too: `max-stream-duration` caps its whole life.
            try TunnelSplice.splice(
                client: context, upstream: connection,
                idleTimeout: exchange.policy.idleTimeout(for: .upgrade), maxDuration: exchange.policy.lifetimeCap(for: .upgrade),
                wheel: loop.deadlines, metrics: metrics, accessLog: tunnelLog, streamMetrics: exchange.webSocketStreamOpened())
        } catch {
            dataPlane.logger.warning("could not set up tunnel", metadata: ["error": "\(error)"])
            connection.channel.close(promise: nil)
            context.close(promise: nil)
        }
    }
}
