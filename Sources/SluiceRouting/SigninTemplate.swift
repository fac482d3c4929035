/// The nginx variables an `auth-signin` URL may name, and their expansion per request.
public enum SigninTemplate {
    /// The variables expanded; any other `$name` in a template is refused at translation.
    public static let variables = ["escaped_request_uri", "request_uri", "scheme", "host", "http_host"]

    /// The names of the `$variables` in `template` that are not in `variables`.
    public static func unknownVariables(in template: String) -> [String] {
        var unknown: [String] = []
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            let after = rest[rest.index(after: dollar)...]
            let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !variables.contains(String(name)) { unknown.append(String(name)) }
            rest = after.dropFirst(name.count)
        }
        return unknown
    }

    /// `template` with its variables replaced (longest names first: `$escaped_request_uri`
    /// before `$request_uri`).
    public static func expand(_ template: String, host: String, scheme: String, requestURI: String) -> String {
        guard template.contains("$") else { return template }
        return template
            .replacingAll("$escaped_request_uri", with: escape(requestURI))
            .replacingAll("$request_uri", with: requestURI)
            .replacingAll("$http_host", with: host)
            .replacingAll("$scheme", with: scheme)
            .replacingAll("$host", with: host)
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3), as a query value.
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
