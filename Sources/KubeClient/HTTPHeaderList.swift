import Foundation

/// Response headers in arrival order; names compare case-insensitively.
struct HTTPHeaderList: Sendable {
    var fields: [(name: String, value: String)] = []

    func value(of name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Adds one raw header line (`Name: value\r\n`); a status line (`HTTP/1.1 200 OK`) starts
    /// a new header block, so only the final response's headers remain after redirects or 1xx.
    mutating func append(line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            fields.removeAll()
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon])
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        fields.append((name, value))
    }
}
