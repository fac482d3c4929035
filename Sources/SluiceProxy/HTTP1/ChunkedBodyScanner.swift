/// Follows a chunked message body (RFC 9112 §7.1) as its bytes arrive, to find where it ends
/// without decoding it, so that an event stream can be relayed to the client verbatim.
///
/// Only what this scanner accepted is ever relayed, so it is strict: every line ends in CRLF (no
/// bare CR or LF), a chunk size is 1–16 hex digits (at most ``maxChunkSize``), whitespace after
/// the size is allowed only before a chunk extension, extensions and trailer values hold no
/// control characters but HTAB, trailer names are tokens and never folded, and the lines of one
/// chunk's extensions and of the trailer section are bounded. Everything it accepts is therefore
/// unambiguous to any HTTP/1.1 parser downstream.
struct ChunkedBodyScanner {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidChunkSize
        case chunkSizeTooLarge
        case invalidChunkExtension
        case chunkExtensionTooLong
        case missingCRLF
        case invalidTrailer
        case trailersTooLong

        var description: String {
            switch self {
            case .invalidChunkSize: return "invalid chunk size line"
            case .chunkSizeTooLarge: return "chunk size too large"
            case .invalidChunkExtension: return "invalid chunk extension"
            case .chunkExtensionTooLong: return "chunk extension too long"
            case .missingCRLF: return "chunk not followed by CRLF"
            case .invalidTrailer: return "invalid trailer field"
            case .trailersTooLong: return "trailer section too long"
            }
        }
    }

    enum Progress: Equatable {
        /// Every byte given belongs to the body; it has not ended yet.
        case needsMore
        /// The body ends after `consumed` of the bytes given (the rest is not part of it).
        case ended(consumed: Int)
        /// The framing is broken; the bytes before the offending one were valid. Scanning
        /// further fails the same way.
        case failed(Failure)
    }

    private enum State: Equatable {
        case size(value: Int, digits: Int)
        /// Whitespace after the size: a `;` must follow.
        case sizeWhitespace(value: Int)
        case chunkExtension(value: Int)
        case sizeLineFeed(value: Int)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerName
        case trailerValue
        case trailerLineFeed
        case finalLineFeed
        case ended
        case failed(Failure)
    }

    static let maxChunkSize = 1 << 48
    static let maxExtensionBytes = 4096

    private var state = State.size(value: 0, digits: 0)
    private var extensionBytes = 0
    private var trailerBytes = 0
    private let maxTrailerBytes: Int

    /// - Parameter maxTrailerBytes: the most bytes the trailer section may take, its final CRLF
    ///   included (the proxy uses its header size limit).
    init(maxTrailerBytes: Int) {
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Between two chunks (or before the first): a terminating chunk written now would end the
    /// body cleanly.
    var isAtChunkBoundary: Bool { state == .size(value: 0, digits: 0) }

    /// Scans the next bytes of the body.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Progress {
        if case .failed(let failure) = state { return .failed(failure) }
        if state == .ended { return .ended(consumed: 0) }
        do {
            return try scanValid(bytes)
        } catch {
            state = .failed(error)
            return .failed(error)
        }
    }

    private mutating func scanValid(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Progress {
        var index = 0
        let count = bytes.count
        while index < count {
            if case .data(let remaining) = state {
                let taken = min(remaining, count - index)
                index += taken
                state = remaining == taken ? .dataCarriageReturn : .data(remaining: remaining - taken)
                continue
            }
            try step(bytes[index])
            index += 1
            if state == .ended { return .ended(consumed: index) }
        }
        return .needsMore
    }

    private mutating func step(_ byte: UInt8) throws(Failure) {
        switch state {
        case .size(let value, let digits):
            if let digit = Self.hexValue(byte) {
                guard digits < 16 else { throw .chunkSizeTooLarge }
                let next = value << 4 | digit
                guard next <= Self.maxChunkSize else { throw .chunkSizeTooLarge }
                state = .size(value: next, digits: digits + 1)
            } else if digits == 0 {
                throw .invalidChunkSize
            } else if byte == .carriageReturn {
                state = .sizeLineFeed(value: value)
            } else if byte == .semicolon {
                startExtension(value: value)
            } else if byte == .space || byte == .tab {
                state = .sizeWhitespace(value: value)
            } else {
                throw .invalidChunkSize
            }
        case .sizeWhitespace(let value):
            if byte == .semicolon {
                startExtension(value: value)
            } else if byte != .space && byte != .tab {
                throw .invalidChunkSize
            }
        case .chunkExtension(let value):
            if byte == .carriageReturn {
                state = .sizeLineFeed(value: value)
                return
            }
            guard Self.isFieldValueByte(byte) else { throw .invalidChunkExtension }
            extensionBytes += 1
            guard extensionBytes <= Self.maxExtensionBytes else { throw .chunkExtensionTooLong }
        case .sizeLineFeed(let value):
            guard byte == .lineFeed else { throw .invalidChunkSize }
            state = value == 0 ? .trailerLineStart : .data(remaining: value)
        case .data:
            preconditionFailure("data bytes are consumed in bulk by scan")
        case .dataCarriageReturn:
            guard byte == .carriageReturn else { throw .missingCRLF }
            state = .dataLineFeed
        case .dataLineFeed:
            guard byte == .lineFeed else { throw .missingCRLF }
            state = .size(value: 0, digits: 0)
        case .trailerLineStart:
            try countTrailerByte()
            if byte == .carriageReturn {
                state = .finalLineFeed
            } else if HTTPByteClass.isToken(byte) {
                state = .trailerName
            } else {
                throw .invalidTrailer
            }
        case .trailerName:
            try countTrailerByte()
            if byte == .colon {
                state = .trailerValue
            } else if !HTTPByteClass.isToken(byte) {
                throw .invalidTrailer
            }
        case .trailerValue:
            try countTrailerByte()
            if byte == .carriageReturn {
                state = .trailerLineFeed
            } else if !Self.isFieldValueByte(byte) {
                throw .invalidTrailer
            }
        case .trailerLineFeed:
            try countTrailerByte()
            guard byte == .lineFeed else { throw .invalidTrailer }
            state = .trailerLineStart
        case .finalLineFeed:
            try countTrailerByte()
            guard byte == .lineFeed else { throw .invalidTrailer }
            state = .ended
        case .ended, .failed:
            preconditionFailure("scan returns at the end of the body and at its first failure")
        }
    }

    private mutating func startExtension(value: Int) {
        extensionBytes = 0
        state = .chunkExtension(value: value)
    }

    private mutating func countTrailerByte() throws(Failure) {
        trailerBytes += 1
        guard trailerBytes <= maxTrailerBytes else { throw .trailersTooLong }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte &- UInt8(ascii: "A") &+ 10)
        default: return nil
        }
    }

    /// HTAB, SP, visible ASCII and obs-text (RFC 9110 §5.5).
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == .tab || (byte >= 0x20 && byte != 0x7F)
    }
}

extension UInt8 {
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let semicolon = UInt8(ascii: ";")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
}
