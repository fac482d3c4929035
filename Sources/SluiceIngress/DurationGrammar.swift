/// The duration grammar of `sluice.io/*` timeout annotations, and the bare-seconds grammar of
/// their `nginx.ingress.kubernetes.io/*` aliases.
///
/// Sluice form: digits followed by an optional unit, nothing else: `1500ms`, `300s`, `5m`, `1h`,
/// or `300` (seconds). No sign, no spaces, no fractions, no compound forms (`1h30m`). Values must
/// be at most `maximum` (7 days); zero is accepted only where the caller allows it
/// (`max-stream-duration: 0` means no cap).
public enum DurationGrammar {
    /// The largest duration any annotation accepts.
    public static let maximum: Duration = .seconds(7 * 24 * 3600)
    private static let maximumMilliseconds: Int64 = 7 * 24 * 3600 * 1000

    public static let accepted = "a duration like 1500ms, 300s, 5m, 1h or a whole number of seconds, at most 7 days"
    public static let acceptedSeconds = "a whole number of seconds like 60, at most 7 days (604800)"

    /// Parses the Sluice form.
    public static func parse(_ text: String, allowZero: Bool = false) -> Result<Duration, GrammarFailure> {
        let bytes = Array(text.utf8)
        let digitCount = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        let unitMilliseconds: Int64
        switch String(decoding: bytes[digitCount...], as: UTF8.self) {
        case "ms": unitMilliseconds = 1
        case "", "s": unitMilliseconds = 1000
        case "m": unitMilliseconds = 60_000
        case "h": unitMilliseconds = 3_600_000
        default: return .failure(shapeFailure(bytes))
        }
        guard digitCount > 0 else { return .failure(shapeFailure(bytes)) }
        return milliseconds(digits: bytes[..<digitCount], unit: unitMilliseconds, allowZero: allowZero)
    }

    /// Parses nginx's form: a bare whole number of seconds.
    public static func parseSeconds(_ text: String, allowZero: Bool = false) -> Result<Duration, GrammarFailure> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(bytes.first == UInt8(ascii: "-") ? GrammarFailure("negative") :
                bytes.isEmpty ? GrammarFailure("empty") : GrammarFailure("not a whole number of seconds"))
        }
        return milliseconds(digits: bytes[...], unit: 1000, allowZero: allowZero)
    }

    private static func milliseconds(digits: ArraySlice<UInt8>, unit: Int64, allowZero: Bool) -> Result<Duration, GrammarFailure> {
        var value: Int64 = 0
        for digit in digits {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { return .failure(GrammarFailure("more than 7 days")) }
            value = sum
        }
        let (total, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, total <= maximumMilliseconds else { return .failure(GrammarFailure("more than 7 days")) }
        guard total > 0 || allowZero else { return .failure(GrammarFailure("zero is not allowed here")) }
        return .success(.milliseconds(total))
    }

    private static func shapeFailure(_ bytes: [UInt8]) -> GrammarFailure {
        if bytes.isEmpty { return GrammarFailure("empty") }
        if bytes.first == UInt8(ascii: "-") { return GrammarFailure("negative") }
        return GrammarFailure("not a duration")
    }
}
