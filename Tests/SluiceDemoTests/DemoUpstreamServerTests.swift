#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOCore
import NIOHTTP1
import SluiceDemo
import Testing

@Suite struct DemoUpstreamServerTests {
    /// Parses `id:`/`data:` events out of an SSE body.
    static func events(in body: String) -> [(id: String, data: String)] {
        body.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            var id = "", data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return (id, data)
        }
    }

    static func token(_ data: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: String]
        return try #require(object?["token"])
    }

    static func unixNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    @Test func chatStreamsThePromptAsTokenEventsEndingWithDone() async throws {
        let (head, body) = try await withDemoServer(tokenInterval: .zero) { server in
            #expect(server.port > 0)
            return try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.request(.GET, "/api/chat?prompt=hi%20there+you")
            }
        }
        #expect(head.status == .ok)
        #expect(head.headers["Content-Type"] == ["text/event-stream"])
        #expect(head.headers["Content-Length"].isEmpty)

        let events = Self.events(in: body)
        #expect(events.map(\.id) == ["1", "2", "3", "4", "5", "6"])
        #expect(try events.dropLast().map { try Self.token($0.data) } == ["You", " said:", " hi", " there", " you"])
        #expect(events.last?.data == "[DONE]")
    }

    @Test func chatTakesThePromptFromAJSONBody() async throws {
        let body = try await withDemoServer(tokenInterval: .zero) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.request(
                    .POST, "/api/chat", headers: [("Content-Type", "application/json")], body: #"{"prompt":"\"quoted\""}"#
                ).1
            }
        }
        let tokens = try Self.events(in: body).dropLast().map { try Self.token($0.data) }
        #expect(tokens == ["You", " said:", " \"quoted\""])
    }

    @Test func chatFlushesEachEventAsSoonAsItIsProduced() async throws {
        // The second token is an hour away: receiving the first one proves it was flushed alone.
        let first = try await withDemoServer(tokenInterval: .seconds(3600)) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(.GET, "/api/chat")
                _ = try await connection.readHead()
                guard case .body(let chunk) = try await connection.nextPart() else {
                    throw UnexpectedResponse(description: "no body")
                }
                return String(buffer: chunk)
            }
        }
        let events = Self.events(in: first)
        #expect(events.count == 1)
        #expect(try Self.token(events[0].data) == "Hello!")
    }

    @Test func benchEventsCarryTheirSendTimeInUnixNanoseconds() async throws {
        let before = Self.unixNanos()
        let (head, body) = try await withDemoServer { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.request(.GET, "/bench/sse?events=4&interval_ms=1")
            }
        }
        let after = Self.unixNanos()
        #expect(head.headers["Content-Type"] == ["text/event-stream"])
        let stamps = Self.events(in: body).compactMap { UInt64($0.data) }
        #expect(stamps.count == 4)
        #expect(stamps == stamps.sorted())
        #expect(stamps.allSatisfy { $0 >= before && $0 <= after })
    }

    @Test func benchSmallAnswersRepeatedlyOnOneKeepAliveConnection() async throws {
        let responses = try await withDemoServer { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                var responses: [String] = []
                for _ in 0..<3 {
                    let (head, body) = try await connection.request(.GET, "/bench/small")
                    responses.append("\(head.status.code) \(body)")
                }
                return responses
            }
        }
        #expect(responses == ["200 ok\n", "200 ok\n", "200 ok\n"])
    }

    @Test func apiPathsEchoTheRequestAsJSON() async throws {
        let (head, body) = try await withDemoServer { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.request(
                    .PUT, "/api/things/7?mode=full", headers: [("X-Forwarded-For", "10.0.0.1")], body: "abc"
                )
            }
        }
        #expect(head.status == .ok)
        #expect(head.headers["Content-Type"] == ["application/json"])
        let echo = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(echo["method"] as? String == "PUT")
        #expect(echo["path"] as? String == "/api/things/7")
        #expect(echo["query"] as? [String: String] == ["mode": "full"])
        #expect((echo["headers"] as? [String: String])?["x-forwarded-for"] == "10.0.0.1")
        #expect(echo["bodyBytes"] as? Int == 3)
    }

    @Test func unknownPathsAre404AndPlainWebSocketPathIs426() async throws {
        let statuses = try await withDemoServer { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                [
                    try await connection.request(.GET, "/nope").0.status,
                    try await connection.request(.GET, "/ws").0.status,
                ]
            }
        }
        #expect(statuses == [.notFound, .upgradeRequired])
    }

    @Test func stopClosesStreamsInFlight() async throws {
        let partsAfterStop = try await withDemoServer(tokenInterval: .seconds(3600)) { server in
            try await TestHTTPConnection.with(port: server.port) { connection in
                try await connection.send(.GET, "/api/chat")
                _ = try await connection.readHead()
                _ = try await connection.nextPart()
                try await server.stop()
                // The response is cut mid-stream: the client sees the end of the connection
                // (its HTTP decoder reports the truncated chunked body as an error).
                var parts = 0
                do {
                    while try await connection.nextPart() != nil { parts += 1 }
                } catch {}
                try await server.waitUntilStopped()
                return parts
            }
        }
        #expect(partsAfterStop == 0)
    }
}
