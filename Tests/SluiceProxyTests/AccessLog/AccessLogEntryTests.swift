import Foundation
@testable import SluiceProxy
import Testing

@Suite("AccessLogEntry")
struct AccessLogEntryTests {
    private static let entry = AccessLogEntry(
        startedAtMilliseconds: 1_795_375_270_123, clientAddress: "10.0.0.7", requestID: "abc",
        method: "GET", host: "chat.example.com", target: "/api/chat?q=\"hi\"\\x\u{1}", version: "HTTP/1.1",
        status: 200, bytesSent: 1234, durationSeconds: 1.2345, upstreamAddress: "10.1.2.3:8080",
        backend: "default/chat:80", ingress: "default/chat", userAgent: nil, outcome: .clientClosed)

    @Test func lineIsOneJSONObjectWithEveryField() throws {
        let line = Self.entry.jsonLine()
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2026-11-22T19:21:10.123Z")
        #expect(object["remote_addr"] as? String == "10.0.0.7")
        #expect(object["uri"] as? String == "/api/chat?q=\"hi\"\\x\u{1}")
        #expect(object["status"] as? Int == 200)
        #expect(object["bytes_sent"] as? Int == 1234)
        #expect(object["request_time"] as? Double == 1.235 || object["request_time"] as? Double == 1.234)
        #expect(object["user_agent"] is NSNull)
        #expect(object["outcome"] as? String == "client_closed")
        #expect(object["stream"] is NSNull)
        #expect(object.count == 16)
    }

    @Test func timesAreUTCWithMilliseconds() {
        #expect(AccessLogEntry.iso8601(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(AccessLogEntry.iso8601(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(AccessLogEntry.iso8601(milliseconds: -1000) == "1969-12-31T23:59:59.000Z")
    }

    @Test func durationsAreSecondsWithMilliseconds() {
        #expect(AccessLogEntry.seconds(0) == "0.000")
        #expect(AccessLogEntry.seconds(0.0004) == "0.000")
        #expect(AccessLogEntry.seconds(0.05) == "0.050")
        #expect(AccessLogEntry.seconds(3600.5) == "3600.500")
    }
}
