import Foundation
import Testing

@testable import KubeClient

@Suite struct JSONLineBufferTests {
    private func strings(_ lines: [Data]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func lineSplitOverSeveralChunks() {
        var buffer = JSONLineBuffer()
        #expect(buffer.append(Array(#"{"type":"ADD"#.utf8)).isEmpty)
        #expect(buffer.append(Array(#"ED","object""#.utf8)).isEmpty)
        #expect(strings(buffer.append(Array(":{}}\n".utf8))) == [#"{"type":"ADDED","object":{}}"#])
    }

    @Test func severalLinesInOneChunk() {
        var buffer = JSONLineBuffer()
        let lines = strings(buffer.append(Array("{\"a\":1}\n{\"b\":2}\n{\"c\"".utf8)))
        #expect(lines == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(strings(buffer.append(Array(":3}\n".utf8))) == [#"{"c":3}"#])
    }

    @Test func dropsBlankLinesAndCarriageReturns() {
        var buffer = JSONLineBuffer()
        #expect(strings(buffer.append(Array("\n\r\n{\"a\":1}\r\n  \n".utf8))) == [#"{"a":1}"#])
    }

    @Test func unterminatedLastLineIsReturnedAtFinish() {
        var buffer = JSONLineBuffer()
        #expect(buffer.append(Array("{\"a\":1}".utf8)).isEmpty)
        #expect(buffer.finish().map { String(decoding: $0, as: UTF8.self) } == #"{"a":1}"#)
        #expect(buffer.finish() == nil)
    }

    @Test func byteByByteFeedYieldsTheSameLines() {
        var buffer = JSONLineBuffer()
        var lines: [Data] = []
        for byte in Array("{\"x\":\"é\"}\n{\"y\":2}\n".utf8) { lines += buffer.append([byte]) }
        #expect(strings(lines) == [#"{"x":"é"}"#, #"{"y":2}"#])
    }
}
