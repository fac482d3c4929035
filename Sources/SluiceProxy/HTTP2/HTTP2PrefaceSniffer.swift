import NIOCore

/// The first handler of a plain connection when h2c is on (`ProxyConfiguration.h2c`): reads
/// until the bytes received either are HTTP/2's connection preface (RFC 9113 §3.4) or cannot
/// become it, then has the connection configured for that protocol, hands it what was read, and
/// leaves the pipeline. A client that sends too little to tell within `timeout` is closed (the
/// HTTP/1.1 header timeout's job, before there is an HTTP/1.1 handler to do it).
final class HTTP2PrefaceSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// What the connection speaks.
    enum Verdict: Equatable {
        case http2
        case http1
        /// The bytes so far are a prefix of the preface.
        case undecided
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Whether `bytes`, the first of a connection, start HTTP/2's preface.
    static func verdict(_ bytes: ByteBuffer) -> Verdict {
        let count = min(bytes.readableBytes, preface.count)
        let matches = bytes.withUnsafeReadableBytes { buffer in
            (0..<count).allSatisfy { buffer[$0] == preface[$0] }
        }
        guard matches else { return .http1 }
        return count == preface.count ? .http2 : .undecided
    }

    private let timeout: TimeAmount
    private let configure: (any Channel, Verdict) throws -> Void
    private var received: ByteBuffer?
    private var deadline: Scheduled<Void>?

    /// - Parameter configure: adds the pipeline of the protocol decided (`.http1` or `.http2`)
    ///   after this handler.
    init(timeout: TimeAmount, configure: @escaping (any Channel, Verdict) throws -> Void) {
        self.timeout = timeout
        self.configure = configure
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var earlier = received {
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        let verdict = Self.verdict(bytes)
        guard verdict != .undecided else {
            received = bytes
            return
        }
        received = nil
        do {
            try configure(context.channel, verdict)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// A client that closes before it said enough leaves nothing to answer.
    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }
}
