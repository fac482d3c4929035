import SluiceRouting

/// A comma-separated list of IPv4 and IPv6 addresses and CIDR ranges, as ingress-nginx's
/// `whitelist-source-range` takes it (`10.0.0.0/8, 192.168.1.7, 2001:db8::/32`). Empty items
/// (a trailing comma) are ignored; at least one range is required.
enum SourceRangeGrammar {
    static let accepted = "comma-separated IPv4/IPv6 addresses or CIDR ranges, e.g. 10.0.0.0/8,2001:db8::/32"

    static func parse(_ text: String) -> Result<[AddressRange], GrammarFailure> {
        var ranges: [AddressRange] = []
        for item in text.split(separator: ",") {
            let trimmed = item.trimmingCharacters(in: " \t")
            if trimmed.isEmpty { continue }
            guard let range = AddressRange(trimmed) else {
                return .failure(GrammarFailure("\(AnnotationValue.quoted(String(trimmed))) is not an address or CIDR range"))
            }
            ranges.append(range)
        }
        return ranges.isEmpty ? .failure(GrammarFailure("no address or range")) : .success(ranges)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}
