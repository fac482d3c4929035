/// A size in nginx's syntax (`client_max_body_size`, ingress-nginx's `proxy-body-size`): a
/// number of bytes, or of kilobytes, megabytes or gigabytes with a `k`, `m` or `g` suffix (either
/// case; binary units, as nginx's). `0` means no limit. Up to 1024g.
public enum BodySizeGrammar {
    public static let accepted = "a size such as 512k, 1m, 8m or 1g (k, m, g: binary units), bytes without a suffix; 0 for no limit"

    /// The size in bytes; 0 for no limit.
    public static func parse(_ text: String) -> Result<Int64, GrammarFailure> {
        guard !text.isEmpty else { return .failure(GrammarFailure("empty")) }
        var digits = Substring(text)
        var unit: Int64 = 1
        switch digits.last {
        case "k", "K": unit = 1 << 10
        case "m", "M": unit = 1 << 20
        case "g", "G": unit = 1 << 30
        default: break
        }
        if unit != 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.utf8.count <= 13, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let number = Int64(digits)
        else {
            return .failure(GrammarFailure("not a number of bytes with an optional k, m or g"))
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit)
        guard !overflow, bytes <= maximum else { return .failure(GrammarFailure("more than 1024g")) }
        return .success(bytes)
    }

    /// The largest size accepted: 1 TiB.
    static let maximum: Int64 = 1 << 40
}
