import Foundation
import SluiceRouting
import Testing

/// The automaton against ICU's backtracking engine (`NSRegularExpression`) on random patterns
/// and paths: whether it matches and every group's bounds must agree.
@Suite("PathRegex against NSRegularExpression")
struct PathRegexOracleTests {
    /// SplitMix64: the same sequence on every run.
    private struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A random pattern over `a`, `b`, `/`, and whether it can match the empty string. Only
    /// atoms that cannot are repeated: on a repeated body that matches empty, automata and
    /// backtracking engines legitimately differ (which iteration's captures stand; ICU even
    /// fails `((/*)+?).` on `/`), and path patterns do not repeat such bodies.
    private static func pattern(depth: Int, _ random: inout Seeded) -> (text: String, nullable: Bool) {
        var text = ""
        var nullable = true
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            var atom: (text: String, nullable: Bool)
            switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &random) {
            case 0, 1: atom = (["a", "b", "/", "A"].randomElement(using: &random)!, false)
            case 2: atom = (".", false)
            case 3: atom = (["[ab]", "[^a]", "[a-b/]", "\\w"].randomElement(using: &random)!, false)
            case 4: atom = Bool.random(using: &random) ? ("$", true) : ("b", false)
            case 5: atom = ("/", false)
            case 6:
                let inner = pattern(depth: depth - 1, &random)
                atom = ("(" + inner.text + ")", inner.nullable)
            case 7:
                let inner = pattern(depth: depth - 1, &random)
                atom = ("(?:" + inner.text + ")", inner.nullable)
            default:
                let (left, right) = (pattern(depth: depth - 1, &random), pattern(depth: depth - 1, &random))
                atom = ("(" + left.text + "|" + right.text + ")", left.nullable || right.nullable)
            }
            if !atom.nullable, Bool.random(using: &random) {
                let quantifier = ["*", "+", "?", "{1,2}", "{2}", "*?", "+?", "??"].randomElement(using: &random)!
                atom = (atom.text + quantifier, ["*", "?", "*?", "??"].contains(quantifier))
            }
            text += atom.text
            nullable = nullable && atom.nullable
        }
        return (text, nullable)
    }

    @Test(arguments: [0x5EED, 42, 7] as [UInt64])
    func agreesWithICU(seed: UInt64) throws {
        var random = Seeded(state: seed)
        var compared = 0
        for _ in 0..<400 {
            let pattern = Self.pattern(depth: 2, &random).text
            let ours = try PathRegex(pattern)
            let icu = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            for _ in 0..<25 {
                let path = String((0..<Int.random(in: 0...8, using: &random)).map { _ in ["a", "b", "/", "B"].randomElement(using: &random)! })
                let utf16 = NSRange(location: 0, length: (path as NSString).length)
                let expected: [String?]? = icu.firstMatch(in: path, options: [.anchored], range: utf16).map { match in
                    (0..<match.numberOfRanges).map { index in
                        let range = match.range(at: index)
                        return range.location == NSNotFound ? nil : (path as NSString).substring(with: range)
                    }
                }
                let actual = ours.captures(in: path[...])?.map { $0.map(String.init) }
                #expect(actual == expected, "pattern \(pattern) on \(path.debugDescription)")
                #expect(ours.matches(path[...]) == (expected != nil), "pattern \(pattern) on \(path.debugDescription)")
                compared += 1
            }
        }
        #expect(compared == 10_000)
    }
}
