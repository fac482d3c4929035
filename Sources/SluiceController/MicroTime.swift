import Foundation

/// The two timestamp formats of the Kubernetes API.
enum KubeTime {
    /// `Time`: `2026-11-22T03:15:23Z` (Event timestamps).
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .current))
    }

    /// `MicroTime`: `2026-11-22T03:15:23.000000Z` (Lease times).
    static func microTime(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let micros = min(Int(((interval - whole) * 1_000_000).rounded(.down)), 999_999)
        let base = time(Date(timeIntervalSince1970: whole))
        let digits = String(micros)
        return base.dropLast() + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }
}
