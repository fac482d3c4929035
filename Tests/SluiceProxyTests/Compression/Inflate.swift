import CZlib
import NIOCore

@testable import SluiceProxy

/// Inflates `bytes` with zlib, as a client decodes a `Content-Encoding` (`windowBits`: 16 + 15
/// for gzip, 15 for deflate's zlib format). Nil when they are not a whole stream of that coding,
/// or when `mustEnd` and the stream has no end (a flushed prefix is inflated with `mustEnd` false).
func inflate(_ bytes: [UInt8], windowBits: Int32, mustEnd: Bool = true) -> [UInt8]? {
    var stream = z_stream()
    guard sluice_inflateInit2(&stream, windowBits) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var input = bytes
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { input in
        stream.next_in = input.baseAddress
        stream.avail_in = UInt32(input.count)
        repeat {
            chunk.withUnsafeMutableBufferPointer { room in
                stream.next_out = room.baseAddress
                stream.avail_out = UInt32(room.count)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                output += room[0..<(room.count - Int(stream.avail_out))]
            }
        } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
    }
    if status == Z_STREAM_END { return stream.avail_in == 0 ? output : nil }
    return !mustEnd && (status == Z_OK || status == Z_BUF_ERROR) ? output : nil
}

extension AcceptEncoding {
    /// zlib's `windowBits` for inflating this coding.
    var windowBits: Int32 { self == .gzip ? 16 + 15 : 15 }
}
