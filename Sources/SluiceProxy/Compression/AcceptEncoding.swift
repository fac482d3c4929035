/// Which content coding the proxy compresses a response with for a client, read from its
/// `Accept-Encoding` field values (RFC 9110 §12.5.3), once per request (`RequestDecision`).
///
/// Read as the RFC has it: codings in any case (`GZIP`), spaces around a parameter
/// (`gzip ; q=1`), and on a tie (`gzip, deflate`, as browsers and `curl --compressed` send)
/// gzip, the one coding nginx sends. (NIO's `HTTPResponseCompressor`, which compressed
/// responses before `ResponseBodyCompressor`, read it more strictly and picked deflate on a tie.)
enum AcceptEncoding: Equatable, Sendable {
    case gzip
    case deflate

    /// The coding to use, or nil when the client accepts neither (or sent no field).
    static func preferred<S: StringProtocol>(in fieldValues: [S]) -> AcceptEncoding? {
        var gzip: Double?
        var deflate: Double?
        var any: Double?
        for value in fieldValues {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";", omittingEmptySubsequences: false)
                let coding = parts[0].trimmingSpaces().lowercased()
                let q = quality(parameters: parts.dropFirst())
                switch coding {
                case "gzip", "x-gzip": gzip = q
                case "deflate": deflate = q
                case "*": any = q
                default: break
                }
            }
        }
        let gzipQ = gzip ?? any ?? 0
        let deflateQ = deflate ?? any ?? 0
        if gzipQ > 0, gzipQ >= deflateQ { return .gzip }
        if deflateQ > 0 { return .deflate }
        return nil
    }

    /// The `q` parameter's weight: 1 when absent, 0 when it is not a number from 0 to 1.
    private static func quality<C: Collection>(parameters: C) -> Double where C.Element: StringProtocol {
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "q" else { continue }
            guard let q = Double(pair[1].trimmingSpaces()), q >= 0, q <= 1 else { return 0 }
            return q
        }
        return 1
    }

    /// The coding's name in a field value (`Content-Encoding`), and `identity` for none.
    static func fieldValue(for choice: AcceptEncoding?) -> String {
        switch choice {
        case .gzip: "gzip"
        case .deflate: "deflate"
        case nil: "identity"
        }
    }
}
