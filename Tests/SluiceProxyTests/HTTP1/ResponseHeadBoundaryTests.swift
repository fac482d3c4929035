import Testing

@testable import SluiceProxy

@Suite("Response head boundary")
struct ResponseHeadBoundaryTests {
    /// Scans `pieces` in turn; the piece index and result where the head ended, if it did.
    private static func scan(_ pieces: [String]) -> (piece: Int, ResponseHeadBoundary.Scan)? {
        var boundary = ResponseHeadBoundary()
        for (index, piece) in pieces.enumerated() {
            let scan = Array(piece.utf8).withUnsafeBytes { boundary.scan($0) }
            if scan != .continues { return (index, scan) }
        }
        return nil
    }

    private static let eventStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: Text/Event-Stream\r\nTransfer-Encoding: chunked\r\n\r\n"

    @Test func theHeadEndsAfterItsBlankLine() {
        let result = Self.scan([Self.eventStreamHead + "5\r\nhello\r\n"])
        #expect(result?.piece == 0)
        #expect(result?.1 == .ends(headBytes: Self.eventStreamHead.utf8.count, mentionsEventStream: true))
    }

    /// The blank line and the mention are found across reads, split anywhere.
    @Test func aHeadSplitAcrossReadsIsFound() {
        let head = Array(Self.eventStreamHead.utf8)
        for cut in 1..<head.count {
            let first = String(decoding: head[..<cut], as: UTF8.self)
            let second = String(decoding: head[cut...], as: UTF8.self) + "data"
            let result = Self.scan([first, second])
            #expect(result?.piece == 1, "cut at \(cut)")
            #expect(result?.1 == .ends(headBytes: head.count - cut, mentionsEventStream: true), "cut at \(cut)")
        }
    }

    @Test func anOrdinaryHeadDoesNotMentionEventStreams() {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Events: event-\r\n\r\n"
        #expect(Self.scan([head])?.1 == .ends(headBytes: head.utf8.count, mentionsEventStream: false))
    }

    /// The mention is matched with fallback: a false start that overlaps it does not hide it.
    @Test func anOverlappingFalseStartStillFindsTheMention() {
        let head = "HTTP/1.1 200 OK\r\nX-A: evevent-stream\r\n\r\n"
        #expect(Self.scan([head])?.1 == .ends(headBytes: head.utf8.count, mentionsEventStream: true))
    }

    @Test func bareLineFeedsAndLoneCarriageReturnsDoNotEndAHead() {
        #expect(Self.scan(["HTTP/1.1 200 OK\n\n", "X: 1\r\n\r", "\r\n"]) == nil)
        #expect(Self.scan(["HTTP/1.1 200 OK\r\n\n\r\n"]) == nil)
    }

    @Test func theScannerStartsOverAfterAHead() {
        var boundary = ResponseHeadBoundary()
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let final = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
        #expect(Array(interim.utf8).withUnsafeBytes { boundary.scan($0) } == .ends(headBytes: interim.utf8.count, mentionsEventStream: false))
        #expect(Array(final.utf8).withUnsafeBytes { boundary.scan($0) } == .ends(headBytes: final.utf8.count, mentionsEventStream: false))
    }
}
