import NIOCore

extension ByteBuffer {
    /// Writes `name: value` and CRLF with one capacity check and two copies, where four
    /// `writeString`/`writeStaticString` calls would each check capacity and go through
    /// `ByteBuffer`'s generic byte-setting path. Heads are written field by field for every
    /// response, so this is on the per-request path.
    mutating func writeFieldLine(name: String, value: String) {
        var name = name
        var value = value
        name.withUTF8 { name in
            value.withUTF8 { value in
                let length = name.count + value.count + 4
                writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
                    var at = 0
                    if let base = name.baseAddress, !name.isEmpty {
                        (out.baseAddress! + at).copyMemory(from: base, byteCount: name.count)
                        at += name.count
                    }
                    out[at] = UInt8(ascii: ":")
                    out[at + 1] = UInt8(ascii: " ")
                    at += 2
                    if let base = value.baseAddress, !value.isEmpty {
                        (out.baseAddress! + at).copyMemory(from: base, byteCount: value.count)
                        at += value.count
                    }
                    out[at] = UInt8(ascii: "\r")
                    out[at + 1] = UInt8(ascii: "\n")
                    return length
                }
            }
        }
    }
}
