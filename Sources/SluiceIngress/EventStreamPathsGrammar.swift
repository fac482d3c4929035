/// `sluice.io/sse-paths`: a comma-separated list of absolute request paths, no spaces.
///
/// Each entry starts with `/`, is at most 256 bytes, and holds no spaces, control characters,
/// `?` or `#`; at most 64 entries, none empty. Entries are element-wise prefixes: trailing
/// slashes are dropped (`/api/` → `/api`, `/` → `` which matches every path), duplicates removed,
/// order kept.
enum EventStreamPathsGrammar {
    static let maximumEntries = 64
    static let maximumEntryBytes = 256
    static let accepted = "comma-separated absolute paths without spaces, like /api/chat,/events/ (at most 64, each at most 256 bytes)"

    static func parse(_ text: String) -> Result<[String], GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
        guard entries.count <= maximumEntries else {
            return .failure(GrammarFailure("\(entries.count) paths, more than \(maximumEntries)"))
        }
        var paths: [String] = []
        for (index, entry) in entries.enumerated() {
            let position = "path \(index + 1)"
            guard !entry.isEmpty else { return .failure(GrammarFailure("\(position) is empty")) }
            guard entry.utf8.count <= maximumEntryBytes else {
                return .failure(GrammarFailure("\(position) is longer than \(maximumEntryBytes) bytes"))
            }
            guard entry.first == "/" else { return .failure(GrammarFailure("\(position) does not start with /")) }
            if let bad = entry.unicodeScalars.first(where: isForbidden) {
                let what = bad == " " ? "a space" : bad == "?" || bad == "#" ? "\"\(bad)\"" : "a control character"
                return .failure(GrammarFailure("\(position) contains \(what)"))
            }
            var normalized = Substring(entry)
            while normalized.last == "/" { normalized = normalized.dropLast() }
            let path = String(normalized)
            if !paths.contains(path) { paths.append(path) }
        }
        return .success(paths)
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar == "?" || scalar == "#" || scalar.properties.isWhitespace
    }
}
