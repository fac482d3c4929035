/// Minimal WebSocket framing for `TestClient`: masked client frames out, unmasked server frames in.
public struct TestClientWebSocketFrame: Sendable, Equatable {
    public var opcode: UInt8
    public var payload: [UInt8]

    public init(opcode: UInt8, payload: [UInt8]) {
        self.opcode = opcode
        self.payload = payload
    }

    public static let text: UInt8 = 0x1
    public static let binary: UInt8 = 0x2
    public static let close: UInt8 = 0x8

    /// The frame as a client must send it (FIN set, masked with `mask`).
    public func encodedMasked(mask: [UInt8] = [0x11, 0x22, 0x33, 0x44]) -> [UInt8] {
        var out: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            out.append(0x80 | UInt8(payload.count))
        } else {
            out.append(0x80 | 126)
            out.append(UInt8(payload.count >> 8))
            out.append(UInt8(payload.count & 0xff))
        }
        out.append(contentsOf: mask)
        for (i, byte) in payload.enumerated() { out.append(byte ^ mask[i % 4]) }
        return out
    }

    /// Parses one unmasked server frame from the front of `bytes`; nil while incomplete.
    public static func parse(_ bytes: [UInt8]) -> (TestClientWebSocketFrame, Int)? {
        guard bytes.count >= 2 else { return nil }
        let opcode = bytes[0] & 0x0f
        var length = Int(bytes[1] & 0x7f)
        var index = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            index = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            index = 10
        }
        guard bytes.count >= index + length else { return nil }
        return (TestClientWebSocketFrame(opcode: opcode, payload: Array(bytes[index..<(index + length)])), index + length)
    }
}

extension TestClient {
    /// Waits for one WebSocket frame and removes it from the received bytes.
    public func readWebSocketFrame(timeout: Duration = .seconds(10)) async throws -> TestClientWebSocketFrame {
        try await waitUntil(timeout: timeout) { TestClientWebSocketFrame.parse($0.bytes) != nil }
        guard let (frame, used) = TestClientWebSocketFrame.parse(receivedBytes) else {
            throw TestClientError.timeout(received: receivedText)
        }
        consume(used)
        return frame
    }
}
