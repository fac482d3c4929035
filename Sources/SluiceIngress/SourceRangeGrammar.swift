import SluiceRouting

/// A comma-separated list of IPv4 and IPv6 addresses and CIDR ranges, as ingress-nginx's
/// `whitelist-source-range` takes it (`10.0.0.0/8, 192.168.1.7, 2001:db8::/32`; read by
/// `AddressRange.list`). Empty items (a trailing comma) are ignored; at least one range is
/// required.
enum SourceRangeGrammar {
    static let accepted = "comma-separated IPv4/IPv6 addresses or CIDR ranges, e.g. 10.0.0.0/8,2001:db8::/32"

    static func parse(_ text: String) -> Result<[AddressRange], GrammarFailure> {
        switch AddressRange.list(text) {
        case .failure(let invalid):
            return .failure(GrammarFailure("\(AnnotationValue.quoted(invalid.item)) is not an address or CIDR range"))
        case .success(let ranges):
            return ranges.isEmpty ? .failure(GrammarFailure("no address or range")) : .success(ranges)
        }
    }
}
