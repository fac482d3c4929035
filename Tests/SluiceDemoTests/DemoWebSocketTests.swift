import NIOCore
import NIOWebSocket
import SluiceDemo
import Testing

@Suite struct DemoWebSocketTests {
    @Test func echoesTextAndBinaryFramesAndAnswersPing() async throws {
        let frames = try await withDemoServer { server in
            try await TestWebSocket.with(port: server.port) { socket in
                try await socket.send(.text, ByteBuffer(string: "hello"))
                try await socket.send(.binary, ByteBuffer(bytes: [0, 1, 2, 255]))
                try await socket.send(.ping, ByteBuffer(string: "are you there"))
                var frames: [WebSocketFrame] = []
                for _ in 0..<3 {
                    frames.append(try #require(try await socket.nextFrame()))
                }
                return frames
            }
        }
        #expect(frames.map(\.opcode) == [.text, .binary, .pong])
        #expect(String(buffer: frames[0].data) == "hello")
        #expect(Array(frames[1].data.readableBytesView) == [0, 1, 2, 255])
        #expect(String(buffer: frames[2].data) == "are you there")
        #expect(frames.allSatisfy { $0.maskKey == nil })
    }

    @Test func completesTheCloseHandshakeEchoingTheCode() async throws {
        let (reply, afterClose) = try await withDemoServer { server in
            try await TestWebSocket.with(port: server.port) { socket in
                var code = ByteBuffer()
                code.write(webSocketErrorCode: .normalClosure)
                try await socket.send(.connectionClose, code)
                let reply = try #require(try await socket.nextFrame())
                return (reply, try await socket.nextFrame())
            }
        }
        #expect(reply.opcode == .connectionClose)
        var data = reply.data
        #expect(data.readWebSocketErrorCode() == .normalClosure)
        #expect(afterClose == nil)
    }

    @Test func onlyTheWebSocketPathUpgrades() async throws {
        let refused = try await withDemoServer { server in
            do {
                try await TestWebSocket.with(port: server.port, path: "/api/chat") { _ in }
                return false
            } catch is TestWebSocket.Refused {
                return true
            }
        }
        #expect(refused)
    }
}
