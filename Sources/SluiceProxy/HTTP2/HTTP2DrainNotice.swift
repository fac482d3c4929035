import Atomics
import NIOCore

/// Whether an HTTP/2 connection was asked to drain (`ChannelShouldQuiesceEvent`), for its
/// streams: one still open when the connection then closes ended because of the shutdown, not
/// because its client left (`StreamEndReason.shutdown`, as an HTTP/1 connection tells its
/// exchange).
final class HTTP2DrainState: Sendable {
    private let draining = ManagedAtomic(false)

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    fileprivate func drain() { draining.store(true, ordering: .relaxed) }
}

/// Notes the drain on the connection's ``HTTP2DrainState`` and passes the event on (to the
/// connection manager, which sends GOAWAY).
final class HTTP2DrainNotice: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    let state = HTTP2DrainState()

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { state.drain() }
        context.fireUserInboundEventTriggered(event)
    }
}
