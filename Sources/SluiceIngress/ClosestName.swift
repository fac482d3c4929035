/// The name a misspelt annotation most likely meant, for "did you mean …?" in its Warning.
enum ClosestName {
    /// The candidate nearest to `name` by edit distance, if it is at most 3 edits away; on a tie
    /// the first in `candidates`' sorted order.
    static func to(_ name: String, among candidates: some Sequence<String>) -> String? {
        let scored = candidates.sorted().map { ($0, editDistance(Array(name.utf8), Array($0.utf8))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 3 else { return nil }
        return best.0
    }

    /// Levenshtein distance; `Int.max` for names over 128 bytes (no annotation name is that long).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard a.count <= 128 else { return Int.max }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
