import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Request body an upload upstream received, as it arrived: the parts themselves (kept up to
/// 1 MiB in total) and the byte count.
public final class UpstreamUploadRecorder: Sendable {
    private let state = NIOLockedValueBox((parts: [String](), bytes: 0))

    public init() {}

    /// The body parts received so far, decoded as UTF-8 (the first 1 MiB).
    public var received: [String] { state.withLockedValue { $0.parts } }

    /// All recorded body bytes, concatenated.
    public var receivedText: String { state.withLockedValue { $0.parts.joined() } }

    /// Body bytes received so far.
    public var receivedBytes: Int { state.withLockedValue { $0.bytes } }

    func record(_ part: ByteBuffer) {
        state.withLockedValue {
            $0.bytes += part.readableBytes
            if $0.bytes <= 1024 * 1024 { $0.parts.append(String(buffer: part)) }
        }
    }
}

/// Records each request body part as it arrives; answers `200 received <n> bytes` at the end.
/// A request with `Expect: 100-continue` first gets `100 Continue`, as real servers send it.
final class UpstreamUploadHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let recorder: UpstreamUploadRecorder
    private let readGate: UpstreamPermits?
    private let port: Int
    private var count = 0

    init(recorder: UpstreamUploadRecorder, readGate: UpstreamPermits?, port: Int) {
        self.recorder = recorder
        self.readGate = readGate
        self.port = port
    }

    private static func resume(_ channel: any Channel, after gate: UpstreamPermits) {
        Task {
            await gate.take()
            try await channel.setOption(.autoRead, value: true).get()
            channel.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            count = 0
            if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let interim = HTTPResponseHead(version: .http1_1, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
            }
            if let readGate {
                try? context.channel.syncOptions?.setOption(.autoRead, value: false)
                Self.resume(context.channel, after: readGate)
            }
        case .body(let part):
            count += part.readableBytes
            recorder.record(part)
        case .end:
            let body = context.channel.allocator.buffer(string: "received \(count) bytes\n")
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            headers.add(name: "X-Upstream-Port", value: String(port))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

@available(*, unavailable)
extension UpstreamUploadHandler: Sendable {}
