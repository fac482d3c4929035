import NIOCore
import NIOHTTP1

/// Chunked transfer coding (RFC 9112 §7.1) for the proxy's two encoders, `ClientResponseEncoder`
/// and `UpstreamRequestEncoder`: each part written as one buffer where NIO's encoders format the
/// chunk size through `String(radix:)` and issue three writes per part.
enum ChunkedFraming {
    /// Parts up to this size are copied between their chunk framing into one buffer; larger ones
    /// are written as three buffers, without copying.
    static let copyLimit = 16 * 1024

    /// Writes `part` as one chunk, and returns how many bytes that wrote (the part and its
    /// framing). An empty part is not framed (it would end the body): it is written as it is,
    /// for its promise.
    @discardableResult
    static func writeChunk(_ part: IOData, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) -> Int {
        let size = part.readableBytes
        guard size > 0 else {
            context.write(NIOAny(part), promise: promise)
            return 0
        }
        if case .byteBuffer(var bytes) = part, size <= copyLimit {
            var buffer = context.channel.allocator.buffer(capacity: size + 20)
            writeChunkSize(size, to: &buffer)
            buffer.writeBuffer(&bytes)
            buffer.writeStaticString("\r\n")
            let written = buffer.readableBytes
            context.write(NIOAny(IOData.byteBuffer(buffer)), promise: promise)
            return written
        }
        var prefix = context.channel.allocator.buffer(capacity: 18)
        writeChunkSize(size, to: &prefix)
        context.write(NIOAny(IOData.byteBuffer(prefix)), promise: nil)
        context.write(NIOAny(part), promise: nil)
        var suffix = context.channel.allocator.buffer(capacity: 2)
        suffix.writeStaticString("\r\n")
        let written = prefix.readableBytes + size + suffix.readableBytes
        // Writes complete in order, so the last one's promise covers the part.
        context.write(NIOAny(IOData.byteBuffer(suffix)), promise: promise)
        return written
    }

    /// Writes the last chunk, the trailer fields if any, and the blank line that ends the body;
    /// returns how many bytes that wrote.
    @discardableResult
    static func writeEnd(trailers: HTTPHeaders?, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) -> Int {
        var buffer = context.channel.allocator.buffer(capacity: trailers == nil ? 5 : 256)
        buffer.writeStaticString("0\r\n")
        if let trailers { writeFields(trailers, to: &buffer) }
        buffer.writeStaticString("\r\n")
        let written = buffer.readableBytes
        context.write(NIOAny(IOData.byteBuffer(buffer)), promise: promise)
        return written
    }

    /// Completes `promise` after the writes before it, writing nothing (a body without framing
    /// has no end marker).
    static func writeNothing(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        context.write(NIOAny(IOData.byteBuffer(context.channel.allocator.buffer(capacity: 0))), promise: promise)
    }

    /// Field lines, without the blank line after them.
    static func writeFields(_ fields: HTTPHeaders, to buffer: inout ByteBuffer) {
        buffer.writeHead(length: HeadCursor.length(of: fields)) { $0.appendFields(fields) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `size` in lowercase hex, then CRLF.
    static func writeChunkSize(_ size: Int, to buffer: inout ByteBuffer) {
        var digits = 1
        while size >> (4 * digits) != 0 { digits += 1 }
        for index in stride(from: digits - 1, through: 0, by: -1) {
            buffer.writeInteger(hexDigits[(size >> (4 * index)) & 0xF])
        }
        buffer.writeStaticString("\r\n")
    }
}
