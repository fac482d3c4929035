/// Checks every annotation value passes before its grammar, and renders values safely in
/// messages.
enum AnnotationValue {
    static let maximumBytes = 1024
    private static let shownCharacters = 64

    /// Rejects NUL bytes, line breaks (but line feeds when `allowingLineFeeds`: a list a line)
    /// and values over 1 KB, whatever the annotation.
    static func basicCheck(_ value: String, allowingLineFeeds: Bool = false) -> GrammarFailure? {
        if value.utf8.contains(0) { return GrammarFailure("contains a NUL byte") }
        if value.utf8.contains(where: { ($0 == UInt8(ascii: "\n") && !allowingLineFeeds) || $0 == UInt8(ascii: "\r") }) {
            return GrammarFailure("contains a line break")
        }
        if value.utf8.count > maximumBytes {
            return GrammarFailure("\(value.utf8.count) bytes, longer than \(maximumBytes)")
        }
        return nil
    }

    /// The value in double quotes, control characters escaped (`\n`, `\0`, `\u{1B}`), cut after
    /// 64 characters with `…`.
    static func quoted(_ value: String) -> String {
        var out = "\""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == shownCharacters {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "\0": out += "\\0"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
