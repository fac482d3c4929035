import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
@testable import SluiceProxy
import Testing

/// One event loop's access log buffer, on an `EmbeddedEventLoop`'s clock: when its lines go out.
@Suite("AccessLogWriter")
struct AccessLogWriterTests {
    /// The batches a sink was handed, each as the text of one write.
    final class Batches: Sendable {
        private let batches = NIOLockedValueBox<[String]>([])

        func log(threshold: Int = AccessLog.defaultFlushThreshold, interval: Duration = .milliseconds(100)) -> AccessLog {
            AccessLog(flushThreshold: threshold, flushInterval: interval) { [batches] batch in
                batches.withLockedValue { $0.append(String(buffer: batch)) }
            }
        }

        var all: [String] { batches.withLockedValue { $0 } }
    }

    static func entry(_ target: String) -> AccessLogEntry {
        AccessLogEntry(
            startedAtMilliseconds: 0, clientAddress: "10.0.0.7", requestID: nil, method: "GET", host: "example.com",
            target: target, version: "HTTP/1.1", status: 200, bytesSent: 10, durationSeconds: 0, upstreamAddress: nil,
            backend: nil, ingress: nil, userAgent: nil, outcome: .complete)
    }

    @Test func aLineIsWrittenAtTheFlushIntervalWithoutMoreTraffic() {
        let loop = EmbeddedEventLoop()
        let batches = Batches()
        let writer = AccessLogWriter(sink: batches.log(), eventLoop: loop)

        writer.write(Self.entry("/a"))
        writer.write(Self.entry("/b"))
        loop.advanceTime(by: .milliseconds(99))
        #expect(batches.all.isEmpty, "the interval runs from the first unflushed line")
        loop.advanceTime(by: .milliseconds(1))
        #expect(batches.all == [Self.entry("/a").jsonLine() + Self.entry("/b").jsonLine()])

        writer.write(Self.entry("/c"))
        loop.advanceTime(by: .milliseconds(100))
        #expect(batches.all.count == 2, "the timer is armed again by the next line")
        #expect(batches.all.last == Self.entry("/c").jsonLine())
        loop.advanceTime(by: .seconds(10))
        #expect(batches.all.count == 2, "no write while nothing is buffered")
    }

    @Test func aBatchOverTheThresholdIsWrittenAtOnce() {
        let loop = EmbeddedEventLoop()
        let batches = Batches()
        let line = Self.entry("/x").jsonLine()
        let writer = AccessLogWriter(sink: batches.log(threshold: 10 * line.utf8.count), eventLoop: loop)

        for _ in 0..<9 { writer.write(Self.entry("/x")) }
        #expect(batches.all.isEmpty)
        writer.write(Self.entry("/x"))
        #expect(batches.all == [String(repeating: line, count: 10)], "one write of the ten lines, with no time passed")
        loop.advanceTime(by: .seconds(1))
        #expect(batches.all.count == 1, "the interval's timer went with the batch")
    }

    @Test func shutDownWritesWhatIsBufferedAndEveryLaterLineAtOnce() {
        let loop = EmbeddedEventLoop()
        let batches = Batches()
        let writer = AccessLogWriter(sink: batches.log(interval: .seconds(3600)), eventLoop: loop)

        writer.write(Self.entry("/a"))
        writer.write(Self.entry("/b"))
        #expect(batches.all.isEmpty)
        writer.shutDown()
        #expect(batches.all == [Self.entry("/a").jsonLine() + Self.entry("/b").jsonLine()])
        writer.write(Self.entry("/late"))
        #expect(batches.all.last == Self.entry("/late").jsonLine())
    }

    @Test func aLineSinkIsGivenEachLineOfABatch() {
        let lines = NIOLockedValueBox<[String]>([])
        let log = AccessLog { line in lines.withLockedValue { $0.append(line) } }
        log.write(batch: ByteBuffer(string: Self.entry("/a").jsonLine() + Self.entry("/b").jsonLine()))
        #expect(lines.withLockedValue { $0 } == [Self.entry("/a").jsonLine(), Self.entry("/b").jsonLine()])
    }
}
