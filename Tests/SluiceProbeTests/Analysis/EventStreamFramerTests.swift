import SluiceProbe
import Testing

/// Framing events out of body pieces: each event is timed by the piece holding its final blank
/// line, whatever the line ends and however the pieces cut the stream.
@Suite("EventStreamFramer")
struct EventStreamFramerTests {
    /// Feeds `pieces`, the i-th at i milliseconds; returns the events' times in milliseconds and sizes.
    private func frame(_ pieces: [String]) -> (times: [Int], bytes: [Int], pending: Int) {
        frame(bytes: pieces.map { Array($0.utf8) })
    }

    private func frame(bytes pieces: [[UInt8]]) -> (times: [Int], bytes: [Int], pending: Int) {
        var framer = EventStreamFramer()
        var events: [ReceivedEvent] = []
        for (index, piece) in pieces.enumerated() {
            events += framer.consume(piece, at: .milliseconds(index))
        }
        return (events.map { Int($0.at.components.seconds * 1000 + $0.at.components.attoseconds / 1_000_000_000_000_000) }, events.map(\.bytes), framer.pendingBytes)
    }

    @Test func eventsInOnePieceArriveTogether() {
        let result = frame(["id: 1\ndata: a\n\nid: 2\ndata: b\n\n"])
        #expect(result.times == [0, 0])
        #expect(result.bytes == [15, 15])
        #expect(result.pending == 0)
    }

    @Test func anEventArrivesWithTheBlankLineThatEndsIt() {
        let result = frame(["data: a", "\n", "\n", "data: b\n"])
        #expect(result.times == [2])
        #expect(result.pending == 8)
    }

    @Test func aCRLFSplitAcrossPiecesIsOneLineEnd() {
        // "\r" ends the data line in piece 0; the "\n" in piece 1 belongs to it, and the blank
        // line "\r\n" completes the event there.
        let result = frame(["data: a\r", "\n\r\n"])
        #expect(result.times == [1])
        // Not two blank lines: one event, and nothing pending.
        // Complete at the blank line's CR; the LF after it counts in no event.
        #expect(result.bytes == [10])
        #expect(result.pending == 0)
        #expect(frame(["data: a\r\n\r\ndata: b\r\n\r\n"]).bytes == [10, 10])
    }

    @Test func aBlankLineEndingWithCRCompletesTheEventAtOnce() {
        #expect(frame(["data: a\r\r", "\n"]).times == [0])
        #expect(frame(["data: a\r\n\r", "\ndata: b\r\n\r\n"]).times == [0, 1])
    }

    @Test func blocksWithoutDataAreNoEvents() {
        let result = frame([": keep-alive\n\n", "event: ping\nid: 3\n\n", "data\n\n", "data:x\n\n", "datax: y\n\n", "dat: z\n\n"])
        #expect(result.times == [2, 3])
    }

    @Test func aLeadingByteOrderMarkIsIgnoredEvenWhenSplit() {
        let result = frame(bytes: [[0xEF], [0xBB, 0xBF] + Array("data: a\n\n".utf8)])
        #expect(result.times == [1])
        #expect(result.bytes == [12])
    }

    @Test func bytesThatStartLikeAByteOrderMarkAreReplayed() {
        // 0xEF then "data…": not a BOM, so the first line's field is not "data".
        #expect(frame(bytes: [[0xEF], Array("data: a\n\ndata: b\n\n".utf8)]).times == [1])
        #expect(frame(["d", "ata: a\n\n"]).times == [1])
    }

    @Test func aSecondByteOrderMarkIsNotStripped() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(frame(bytes: [bom + bom + Array("data: a\n\n".utf8)]).times.isEmpty)
    }
}
