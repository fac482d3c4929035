/// A header field a route sets (`sluice.io/response-headers`, `sluice.io/request-headers`, the
/// security headers): a valid token name and a value without control characters, checked by
/// translation (`HeaderListGrammar`).
public struct HeaderField: Hashable, Sendable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
