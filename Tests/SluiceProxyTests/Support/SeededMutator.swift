@testable import SluiceProxy

/// Edits of valid protocol bytes for the tests that hold the proxy's own parsers to NIO's: each
/// mutation replaces, inserts or deletes one to three bytes, drawn from `alphabet` (the bytes
/// the grammar turns on). Seeded (a SplitMix64): the same mutations on every run.
struct SeededMutator {
    private var random: RequestIDGenerator
    private let alphabet: [UInt8]

    init(seed: UInt64, alphabet: [UInt8]) {
        random = RequestIDGenerator(seed: seed)
        self.alphabet = alphabet
    }

    mutating func mutated(_ original: [UInt8]) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int(1 + random.next() % 3) where !bytes.isEmpty {
            let position = Int(random.next() % UInt64(bytes.count))
            let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
            switch random.next() % 3 {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: bytes.remove(at: position)
            }
        }
        return bytes
    }
}
