/// Durations as people read them in the report: `850 µs`, `41.2 ms`, `1.25 s`.
public enum DurationText {
    public static func short(_ duration: Duration) -> String {
        let seconds = seconds(duration)
        let magnitude = abs(seconds)
        if magnitude < 0.001 { return "\(Int((seconds * 1_000_000).rounded())) µs" }
        if magnitude < 1 { return "\(format(seconds * 1000, digits: magnitude < 0.1 ? 1 : 0)) ms" }
        return "\(format(seconds, digits: 2)) s"
    }

    /// A signed difference: `+3.1 ms`, `-120 ms`.
    public static func signed(_ duration: Duration) -> String {
        (duration >= .zero ? "+" : "") + short(duration)
    }

    /// Seconds as a Double, rounded to the microsecond (the JSON form).
    public static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        let micros = Double(whole) * 1_000_000 + (Double(attoseconds) / 1e12).rounded()
        return micros / 1_000_000
    }

    private static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if digits == 0 { return String(Int(rounded)) }
        let text = String(rounded)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1].prefix(digits)) : ""
        return parts[0] + "." + fraction + String(repeating: "0", count: digits - fraction.count)
    }
}
