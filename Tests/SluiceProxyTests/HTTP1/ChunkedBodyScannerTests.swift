import Testing

@testable import SluiceProxy

@Suite("Chunked body scanner")
struct ChunkedBodyScannerTests {
    /// Scans `text` in pieces of `pieceSize` bytes; returns the outcome and the bytes scanned
    /// before it (for `.ended`, the offset where the body ended).
    private static func scan(_ text: String, pieceSize: Int, maxTrailerBytes: Int = 1024) -> (ChunkedBodyScanner.Progress, Int) {
        var scanner = ChunkedBodyScanner(maxTrailerBytes: maxTrailerBytes)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(bytes.count, offset + pieceSize)])
            let progress = piece.withUnsafeBytes { scanner.scan($0) }
            switch progress {
            case .needsMore: offset += piece.count
            case .ended(let consumed): return (.ended(consumed: offset + consumed), offset + consumed)
            case .failed: return (progress, offset)
            }
        }
        return (.needsMore, offset)
    }

    private static let valid: [String] = [
        "0\r\n\r\n",
        "5\r\nhello\r\n0\r\n\r\n",
        "1a\r\n" + String(repeating: "x", count: 26) + "\r\n0\r\n\r\n",
        "00A\r\n0123456789\r\n0000\r\n\r\n",
        "5;name=value\r\nhello\r\n0;last\r\n\r\n",
        "5 ;name=\"quoted value\"\r\nhello\r\n0\r\n\r\n",
        "6\r\nab\r\ncd\r\n0\r\nX-Checksum: abc\r\nX-Other:\tv 1\r\n\r\n",
    ]

    /// Every valid body ends exactly at its end, whatever the pieces it arrives in.
    @Test(arguments: valid)
    func aValidBodyEndsAtItsEndInAnyPieces(_ body: String) {
        for pieceSize in [1, 2, 3, 7, 1000] {
            let (progress, _) = Self.scan(body, pieceSize: pieceSize)
            #expect(progress == .ended(consumed: body.utf8.count), "pieces of \(pieceSize)")
        }
    }

    @Test func bytesAfterTheEndAreNotPartOfTheBody() {
        let body = "3\r\nabc\r\n0\r\n\r\n"
        let (progress, _) = Self.scan(body + "HTTP/1.1 200 OK\r\n\r\n", pieceSize: 1000)
        #expect(progress == .ended(consumed: body.utf8.count))
    }

    @Test func anUnfinishedBodyNeedsMore() {
        for partial in ["", "5", "5\r", "5\r\nhel", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n", "0\r\nX-T: 1\r\n"] {
            #expect(Self.scan(partial, pieceSize: 2).0 == .needsMore, "\(partial.debugDescription)")
        }
    }

    private static let broken: [(String, ChunkedBodyScanner.Failure)] = [
        ("\r\n", .invalidChunkSize),
        ("g\r\n", .invalidChunkSize),
        ("-5\r\n", .invalidChunkSize),
        ("5\nhello\r\n", .invalidChunkSize),
        ("5\r\rhello", .invalidChunkSize),
        ("5 \r\nhello\r\n", .invalidChunkSize),
        ("0x5\r\n", .invalidChunkSize),
        ("5\r\nhello\n0\r\n\r\n", .missingCRLF),
        ("5\r\nhelloX\r\n", .missingCRLF),
        ("5\r\nhello\r0\r\n", .missingCRLF),
        ("11111111111111111\r\n", .chunkSizeTooLarge),
        ("1000000000001\r\n", .chunkSizeTooLarge),
        ("5;a\u{0}b\r\n", .invalidChunkExtension),
        ("5;a\nb\r\n", .invalidChunkExtension),
        ("5;" + String(repeating: "e", count: ChunkedBodyScanner.maxExtensionBytes + 1) + "\r\n", .chunkExtensionTooLong),
        ("0\r\n X-Folded: 1\r\n\r\n", .invalidTrailer),
        ("0\r\nBad Name: 1\r\n\r\n", .invalidTrailer),
        ("0\r\nX-T: a\u{7F}\r\n\r\n", .invalidTrailer),
        ("0\r\nX-T: 1\n\r\n", .invalidTrailer),
        ("0\r\n\r\r", .invalidTrailer),
        ("0\r\nX-T: 1\r\n\n", .invalidTrailer),
    ]

    /// Each broken body fails at its first bad byte, whatever the pieces it arrives in.
    @Test(arguments: broken)
    func aBrokenBodyFails(_ body: String, _ failure: ChunkedBodyScanner.Failure) {
        for pieceSize in [1, 4, 1000] {
            #expect(Self.scan(body, pieceSize: pieceSize).0 == .failed(failure), "pieces of \(pieceSize)")
        }
    }

    @Test func theTrailerSectionIsBounded() {
        let trailers = "X-A: " + String(repeating: "a", count: 40) + "\r\n\r\n"
        let body = "0\r\n" + trailers
        #expect(Self.scan(body, pieceSize: 5, maxTrailerBytes: trailers.utf8.count).0 == .ended(consumed: body.utf8.count))
        #expect(Self.scan(body, pieceSize: 5, maxTrailerBytes: trailers.utf8.count - 1).0 == .failed(.trailersTooLong))
    }

    @Test func aFailedScannerStaysFailed() {
        var scanner = ChunkedBodyScanner(maxTrailerBytes: 100)
        #expect(Array("z".utf8).withUnsafeBytes { scanner.scan($0) } == .failed(.invalidChunkSize))
        #expect(Array("5\r\nhello\r\n".utf8).withUnsafeBytes { scanner.scan($0) } == .failed(.invalidChunkSize))
    }

    @Test func theChunkBoundaryIsKnown() {
        var scanner = ChunkedBodyScanner(maxTrailerBytes: 100)
        #expect(scanner.isAtChunkBoundary)
        _ = Array("5\r\nhel".utf8).withUnsafeBytes { scanner.scan($0) }
        #expect(!scanner.isAtChunkBoundary)
        _ = Array("lo\r\n".utf8).withUnsafeBytes { scanner.scan($0) }
        #expect(scanner.isAtChunkBoundary)
        _ = Array("1".utf8).withUnsafeBytes { scanner.scan($0) }
        #expect(!scanner.isAtChunkBoundary)
    }
}
