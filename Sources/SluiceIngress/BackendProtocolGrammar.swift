/// `backend-protocol`: ingress-nginx's values, in any case (ingress-nginx upper-cases them).
/// `AUTO_HTTP` and `FCGI` parse, for the reader to say what becomes of them; Sluice serves
/// neither.
enum BackendProtocolGrammar {
    enum Value: Hashable, Sendable {
        case http, https, h2c, grpc, grpcs
        /// ingress-nginx: HTTPS to the backend when the client came over HTTPS, else HTTP.
        case autoHTTP
        /// FastCGI.
        case fcgi
    }

    static let accepted = "HTTP, HTTPS, H2C, GRPC or GRPCS"

    static func parse(_ text: String) -> Result<Value, GrammarFailure> {
        switch text.uppercased() {
        case "HTTP": .success(.http)
        case "HTTPS": .success(.https)
        case "H2C": .success(.h2c)
        case "GRPC": .success(.grpc)
        case "GRPCS": .success(.grpcs)
        case "AUTO_HTTP": .success(.autoHTTP)
        case "FCGI": .success(.fcgi)
        case "": .failure(GrammarFailure("empty"))
        default: .failure(GrammarFailure("not a backend protocol"))
        }
    }
}
