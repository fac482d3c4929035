import NIOCore

/// Closes an HTTP/2 connection once swift-nio-http2 has sent it a GOAWAY with an error code.
///
/// `NIOHTTP2Handler` answers a connection error — a flood of resets, CONTINUATION, SETTINGS or
/// PING frames, a malformed frame, a header block too large — with GOAWAY and reports the
/// error, but leaves the connection open: an abusive client would be answered GOAWAY after
/// GOAWAY for as long as it keeps sending. Its stream errors (RST_STREAM) are reported the same
/// way and must not close the connection, so the error alone cannot tell them apart; the frame
/// written can. Sits between the socket (or TLS) and `NIOHTTP2Handler`, reads the 9-byte header
/// of each frame written, and closes the connection after the flush that carries an error
/// GOAWAY. A graceful GOAWAY (`NO_ERROR`, a drain) closes nothing: the connection manager closes
/// once the last stream has ended.
final class HTTP2AbuseCloser: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Bytes of the frame being written that are still to come (0: the next write starts a
    /// frame header).
    private var remainingInFrame = 0
    /// An error GOAWAY was written: close after the next flush.
    private var closeAfterFlush = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .byteBuffer(let buffer): scan(buffer)
        case .fileRegion(let region): remainingInFrame = max(0, remainingInFrame - region.readableBytes)
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if closeAfterFlush {
            closeAfterFlush = false
            context.close(promise: nil)
        }
    }

    /// Walks the frames that start in `buffer`. swift-nio-http2 writes a frame's header whole in
    /// one buffer (a DATA frame's payload may follow as a buffer of its own).
    private func scan(_ buffer: ByteBuffer) {
        var offset = buffer.readerIndex
        var left = buffer.readableBytes
        while left > 0 {
            if remainingInFrame > 0 {
                let taken = min(remainingInFrame, left)
                remainingInFrame -= taken
                offset += taken
                left -= taken
                continue
            }
            guard left >= 9, let length = buffer.getInteger(at: offset, as: UInt32.self).map({ Int($0 >> 8) }),
                let type = buffer.getInteger(at: offset + 3, as: UInt8.self)
            else { return }
            if type == 0x7, length >= 8, left >= 17, let code = buffer.getInteger(at: offset + 13, as: UInt32.self), code != 0 {
                closeAfterFlush = true
            }
            remainingInFrame = 9 + length
        }
    }
}
