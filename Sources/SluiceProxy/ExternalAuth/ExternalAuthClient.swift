import NIOCore
import NIOHTTP1
import NIOPosix

/// Asks an external auth service one question: a new HTTP/1.1 connection per check, closed once
/// the answer's head arrived (its body is not read). No pooling yet: one connect per check.
enum ExternalAuthClient {
    /// Sends `request` (no body) to `host`:`port` on `eventLoop`, and calls `completion` there
    /// once with the answer's head, or nil when the service cannot be reached in
    /// `connectTimeout` or does not answer within `responseTimeout` of the connect.
    static func check(
        _ request: HTTPRequestHead, host: String, port: Int, on eventLoop: any EventLoop, connectTimeout: TimeAmount,
        responseTimeout: TimeAmount, completion: @escaping (HTTPResponseHead?) -> Void
    ) {
        let answered = eventLoop.makePromise(of: HTTPResponseHead.self)
        answered.futureResult.assumeIsolated().whenComplete { completion(try? $0.get()) }
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(AnswerHandler(answered: answered))
                }
            }
            .connect(host: host, port: port)
        connected.assumeIsolated().whenComplete { result in
            switch result {
            case .failure(let error):
                answered.fail(error)
            case .success(let channel):
                let timeout = eventLoop.assumeIsolated().scheduleTask(in: responseTimeout) {
                    answered.fail(ChannelError.connectTimeout(responseTimeout))
                    channel.close(promise: nil)
                }
                answered.futureResult.assumeIsolated().whenComplete { _ in timeout.cancel() }
                channel.write(HTTPClientRequestPart.head(request), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
    }

    /// Completes the check with the response head, and closes the connection; a connection
    /// that ends or fails first fails it.
    private final class AnswerHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let answered: EventLoopPromise<HTTPResponseHead>

        init(answered: EventLoopPromise<HTTPResponseHead>) {
            self.answered = answered
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) {
                answered.succeed(head)
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            answered.fail(ChannelError.eof)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            answered.fail(error)
            context.close(promise: nil)
        }
    }
}
