/// The lines of an HTTP/1.x response head as the proxy's own head parsers read them
/// (`ChunkedResponseHead`, `InterimResponseHead`): strictly, or not at all. A status line is
/// `HTTP/1.x ddd reason` with a plain reason phrase; a field line is a token name, `:`, optional
/// spaces or tabs, a plain value; every line ends with CR LF. Anything else is declined (`nil`),
/// and the head goes to NIO's decoder.
enum ResponseHeadLines {
    /// The status line at the start of `bytes`: `minorVersion` (0 or 1), the three-digit `code`,
    /// and where the line after it starts.
    @inline(__always)
    static func statusLine(_ bytes: UnsafeBufferPointer<UInt8>) -> (minorVersion: UInt8, code: Int, next: Int)? {
        guard bytes.count >= 15 else { return nil }
        let prefix: StaticString = "HTTP/1."
        for index in 0..<7 where bytes[index] != prefix.utf8Start[index] { return nil }
        let minor = bytes[7]
        guard minor == UInt8(ascii: "1") || minor == UInt8(ascii: "0"), bytes[8] == UInt8(ascii: " ") else { return nil }
        var code = 0
        for index in 9..<12 {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            code = code * 10 + Int(digit)
        }
        guard bytes[12] == UInt8(ascii: " ") else { return nil }
        // Each run below stops at the first byte outside its class; what that byte must be is
        // checked after it (CR, LF and `:` are in neither class).
        var index = 13
        while index < bytes.count, HTTPByteClass.isPlainFieldValue(bytes[index]) { index += 1 }
        guard byte(bytes, index) == UInt8(ascii: "\r"), byte(bytes, index + 1) == UInt8(ascii: "\n") else { return nil }
        return (minor &- UInt8(ascii: "0"), code, index + 2)
    }

    /// The field line starting at `start`: its name's and value's ranges (the value without the
    /// spaces before it, with those after it, as NIO's decoder keeps it) and where the next line
    /// starts.
    @inline(__always)
    static func fieldLine(
        _ bytes: UnsafeBufferPointer<UInt8>, at start: Int
    ) -> (name: Range<Int>, value: Range<Int>, next: Int)? {
        var index = start
        while index < bytes.count, HTTPByteClass.isToken(bytes[index]) { index += 1 }
        let nameEnd = index
        guard nameEnd > start, byte(bytes, index) == UInt8(ascii: ":") else { return nil }
        index += 1
        while byte(bytes, index) == UInt8(ascii: " ") || byte(bytes, index) == UInt8(ascii: "\t") { index += 1 }
        let valueStart = index
        while index < bytes.count, HTTPByteClass.isPlainFieldValue(bytes[index]) { index += 1 }
        guard byte(bytes, index) == UInt8(ascii: "\r"), byte(bytes, index + 1) == UInt8(ascii: "\n") else { return nil }
        return (start..<nameEnd, valueStart..<index, index + 2)
    }

    /// The byte at `index`, or 0 past the end (which no rule accepts).
    @inline(__always)
    static func byte(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }
}
