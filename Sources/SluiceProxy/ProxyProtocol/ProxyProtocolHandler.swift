import NIOCore
import SluiceRouting

/// Who a connection's client is when a load balancer says so (the PROXY protocol): the address
/// the forwarding fields, the access log and the allow lists use instead of the socket's peer.
struct ProxiedClient: Sendable {
    let address: IPAddress
    let text: String
}

/// The first handler of a connection on a listener with `--proxy-protocol`: reads the PROXY
/// header (v1 or v2, `ProxyProtocolHeader`) before anything else, then sets up the rest of the
/// pipeline with the client it names (`configure`), leaves, and passes on the bytes after the
/// header. A connection without a valid header, or whose header does not arrive within the
/// header timeout, is closed: behind a load balancer that speaks it, anything else is not one.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias Configure = (any Channel, ProxiedClient?) throws -> Void

    private let configure: Configure
    private let timeout: TimeAmount
    private var received: ByteBuffer?
    private var deadline: Scheduled<Void>?
    private var done = false

    init(timeout: TimeAmount, configure: @escaping Configure) {
        self.timeout = timeout
        self.configure = configure
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else {
            context.fireChannelRead(data)
            return
        }
        var bytes = unwrapInboundIn(data)
        if var earlier = received {
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        switch ProxyProtocolHeader.parse(bytes) {
        case .failure(.incomplete):
            received = bytes
        case .failure(.invalid):
            done = true
            context.close(promise: nil)
        case .success(let header):
            done = true
            deadline?.cancel()
            let client: ProxiedClient?
            let length: Int
            switch header {
            case .client(let address, let text, let headerLength):
                client = ProxiedClient(address: address, text: text)
                length = headerLength
            case .unnamed(let headerLength):
                client = nil
                length = headerLength
            }
            bytes.moveReaderIndex(forwardBy: length)
            do {
                try configure(context.channel, client)
            } catch {
                context.close(promise: nil)
                return
            }
            // The bytes after the header go to the pipeline just set up, then this handler leaves.
            if bytes.readableBytes > 0 {
                context.fireChannelRead(NIOAny(bytes))
                context.fireChannelReadComplete()
            }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

@available(*, unavailable)
extension ProxyProtocolHandler: Sendable {}
