import NIOCore
import NIOSSL
import NIOTLS

/// Waits, behind the `NIOSSLClientHandler` of a new upstream connection, for its handshake:
/// `done` succeeds when it completes, and fails with an ``UpstreamTLSFailure`` saying why when
/// it fails (certificate not verified, wrong name, a peer that speaks no TLS), when the peer
/// closes first or when it takes longer than `timeout` (the route's connect timeout, as nginx
/// times its handshakes to upstreams). Leaves the pipeline once the handshake completes.
final class UpstreamTLSHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let done: EventLoopPromise<Void>
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var finished = false

    init(done: EventLoopPromise<Void>, timeout: TimeAmount) {
        self.done = done
        self.timeout = timeout
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let done = self.done
        let timeout = self.timeout
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            done.fail(UpstreamTLSFailure(reason: "no TLS handshake within \(timeout.nanoseconds / 1_000_000) ms"))
            channel.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case TLSUserEvent.handshakeCompleted = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        finish(.success(()))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !finished else {
            context.fireErrorCaught(error)
            return
        }
        finish(.failure(UpstreamTLSFailure(reason: Self.reason(error))))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(UpstreamTLSFailure(reason: "the backend closed the connection during the TLS handshake")))
        context.fireChannelInactive()
    }

    /// Also when the connect failed: the promise is always completed.
    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(UpstreamTLSFailure(reason: "the connection closed before the TLS handshake")))
    }

    private func finish(_ result: Result<Void, UpstreamTLSFailure>) {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        deadline = nil
        done.completeWith(result.mapError { $0 as any Error })
    }

    /// BoringSSL's words for what failed (`CERTIFICATE_VERIFY_FAILED`, `WRONG_VERSION_NUMBER`),
    /// or swift-nio-ssl's (a name the certificate does not carry).
    private static func reason(_ error: any Error) -> String {
        switch error {
        case NIOSSLError.handshakeFailed(let underlying): "TLS handshake failed: \(underlying)"
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            "the backend's certificate does not name the server name: \(error)"
        default: "TLS handshake failed: \(error)"
        }
    }
}

@available(*, unavailable)
extension UpstreamTLSHandshake: Sendable {}
