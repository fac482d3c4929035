import Foundation
import Testing

@testable import KubeClient

@Suite struct JSONLineBufferTests {
    private func strings(_ lines: [Data]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func lineSplitOverSeveralChunks() throws {
        var buffer = JSONLineBuffer()
        #expect(try buffer.append(Array(#"{"type":"ADD"#.utf8)).isEmpty)
        #expect(try buffer.append(Array(#"ED","object""#.utf8)).isEmpty)
        #expect(strings(try buffer.append(Array(":{}}\n".utf8))) == [#"{"type":"ADDED","object":{}}"#])
    }

    @Test func severalLinesInOneChunk() throws {
        var buffer = JSONLineBuffer()
        let lines = strings(try buffer.append(Array("{\"a\":1}\n{\"b\":2}\n{\"c\"".utf8)))
        #expect(lines == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(strings(try buffer.append(Array(":3}\n".utf8))) == [#"{"c":3}"#])
    }

    @Test func dropsBlankLinesAndCarriageReturns() throws {
        var buffer = JSONLineBuffer()
        #expect(strings(try buffer.append(Array("\n\r\n{\"a\":1}\r\n  \n".utf8))) == [#"{"a":1}"#])
    }

    @Test func unterminatedLastLineIsReturnedAtFinish() throws {
        var buffer = JSONLineBuffer()
        #expect(try buffer.append(Array("{\"a\":1}".utf8)).isEmpty)
        #expect(buffer.finish().map { String(decoding: $0, as: UTF8.self) } == #"{"a":1}"#)
        #expect(buffer.finish() == nil)
    }

    @Test func byteByByteFeedYieldsTheSameLines() throws {
        var buffer = JSONLineBuffer()
        var lines: [Data] = []
        for byte in Array("{\"x\":\"é\"}\n{\"y\":2}\n".utf8) { lines += try buffer.append([byte]) }
        #expect(strings(lines) == [#"{"x":"é"}"#, #"{"y":2}"#])
    }

    @Test func aLineUpToTheLimitPassesAndALongerOneThrows() throws {
        var buffer = JSONLineBuffer(maxLineBytes: 8)
        #expect(strings(try buffer.append(Array("12345678\n".utf8))) == ["12345678"])
        #expect(try buffer.append(Array("12345".utf8)).isEmpty)
        #expect(throws: JSONLineBuffer.LineTooLong(limit: 8)) { try buffer.append(Array("6789".utf8)) }
    }

    @Test func theLimitCountsTheLineNotTheChunk() throws {
        var buffer = JSONLineBuffer(maxLineBytes: 8)
        let lines = strings(try buffer.append(Array("1234567\n1234567\n1234567\n".utf8)))
        #expect(lines == ["1234567", "1234567", "1234567"])
        #expect(throws: JSONLineBuffer.LineTooLong(limit: 8)) { try buffer.append(Array("123456789\n".utf8)) }
    }
}
