import CZlib
import NIOCore

/// The compressed form of one response body, made with zlib as it is written: the coding
/// `AcceptEncoding` chose, gzip (RFC 1952) or deflate (the zlib format, RFC 1950, which is what
/// HTTP's `deflate` names), at zlib's default level, as NIO's `HTTPResponseCompressor` made them.
///
/// Body parts go in as they come (``compress(_:)``) and zlib keeps what it has not yet put in a
/// block; ``flush()`` hands out everything so far, ending on a byte boundary (`Z_SYNC_FLUSH`),
/// so that a client can inflate every byte it was sent: the writer calls it where it flushes the
/// connection (once per upstream read burst), which is where NIO's compressor compressed and
/// sync-flushed what it held. ``finish()`` ends the stream and frees zlib's state; `deinit`
/// frees it for a response that never ended (its connection closed).
///
/// What zlib writes goes into a buffer kept here, handed out by ``flush()`` and ``finish()``
/// only: one buffer per flush (the writer makes one chunk of it), as NIO's compressor wrote one
/// per flush, and none for the gzip header zlib writes at the first part.
final class ResponseBodyCompressor {
    /// zlib keeps the address of the stream in its state: it is allocated, not stored inline.
    private let stream: UnsafeMutablePointer<z_stream>
    /// Compressed bytes not handed out yet, and room for zlib's next output.
    private var output: ByteBuffer
    /// Input went in since the last flush (a sync flush of nothing would add 5 bytes).
    private var unflushed = false
    private var ended = false

    init(coding: AcceptEncoding) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = ByteBuffer()
        // 15: a 32 KiB window; 16 + 15 asks zlib for the gzip wrapper instead of zlib's.
        let windowBits: Int32 = coding == .gzip ? 16 + 15 : 15
        let status = sluice_deflateInit2(stream, Z_DEFAULT_COMPRESSION, windowBits)
        precondition(status == Z_OK, "zlib could not start a deflate stream (\(status))")
    }

    deinit {
        end()
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Takes `part` into the stream.
    func compress(_ part: ByteBuffer) {
        guard part.readableBytes > 0 else { return }
        unflushed = true
        deflate(part, flush: Z_NO_FLUSH)
    }

    /// Everything taken since the last flush, compressed (nil when nothing came in).
    func flush() -> ByteBuffer? {
        guard unflushed else { return takeOutput() }
        unflushed = false
        deflate(nil, flush: Z_SYNC_FLUSH)
        return takeOutput()
    }

    /// The rest of the stream, its trailer included; zlib's state is freed.
    func finish() -> ByteBuffer? {
        deflate(nil, flush: Z_FINISH)
        end()
        return takeOutput()
    }

    private func end() {
        guard !ended else { return }
        ended = true
        deflateEnd(stream)
    }

    private func takeOutput() -> ByteBuffer? {
        guard output.readableBytes > 0 else { return nil }
        defer { output = ByteBuffer() }
        return output
    }

    /// Room zlib is given at least, per call: a sync flush needs more than 6 bytes to complete
    /// (zlib's manual). `output` grows by doubling while zlib fills it.
    private static let room = 512

    /// Runs zlib over `input` (nil: none) with `flush` until it has taken all of it and, for a
    /// flush, written all it has.
    private func deflate(_ input: ByteBuffer?, flush: Int32) {
        precondition(!ended, "the compressed body already ended")
        func run(_ input: UnsafeRawBufferPointer) {
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(input.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            var status = Z_OK
            var filled = false
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.room) { room in
                    stream.pointee.next_out = room.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = UInt32(room.count)
                    status = CZlib.deflate(stream, flush)
                    filled = stream.pointee.avail_out == 0
                    defer {
                        stream.pointee.next_out = nil
                        stream.pointee.avail_out = 0
                    }
                    return room.count - Int(stream.pointee.avail_out)
                }
                // Z_BUF_ERROR only says no progress was possible, which the loop's end covers.
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "zlib deflate failed (\(status))")
                // Room left over: zlib wrote all it would for this flush. Full: call again.
            } while status != Z_STREAM_END && (stream.pointee.avail_in > 0 || (flush != Z_NO_FLUSH && filled))
        }
        if let input {
            input.withUnsafeReadableBytes(run)
        } else {
            run(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}

@available(*, unavailable)
extension ResponseBodyCompressor: Sendable {}
