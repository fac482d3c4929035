import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `CORSDecision` as a table: which requests are preflights, which fields each answer gets, and
/// which origins a list names.
@Suite("CORS decision")
struct CORSDecisionTests {
    private static let listed = CORSPolicy(
        allowedOrigins: [.exact("https://app.example.com"), .subdomain(scheme: "https", suffix: "example.org", port: nil)],
        exposeHeaders: "X-Total")

    private static func head(_ method: HTTPMethod, _ fields: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: "/", headers: HTTPHeaders([("Host", "api.example.com")] + fields))
    }

    private static func dictionary(_ fields: [ResponseField]) -> [String: String] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { $0 + "," + $1 })
    }

    @Test func aPreflightFromAListedOriginGetsEveryField() throws {
        let preflight = Self.head(.OPTIONS, [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT")])
        let answer = try #require(CORSDecision.preflightAnswer(preflight, policy: Self.listed))
        #expect(answer.status == .noContent)
        #expect(!answer.hasBody)
        let fields = Self.dictionary(answer.fields)
        #expect(fields["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(fields["Access-Control-Allow-Credentials"] == "true")
        #expect(fields["Access-Control-Allow-Methods"] == "GET, PUT, POST, DELETE, PATCH, OPTIONS")
        #expect(fields["Access-Control-Max-Age"] == "1728000")
        #expect(fields["Vary"] == "Origin")
        let head = answer.head()
        #expect(head.headers["content-length"].isEmpty && head.headers["content-type"].isEmpty)
    }

    @Test func aPreflightFromAnOtherOriginIsAnsweredWithoutCORSFields() throws {
        let preflight = Self.head(.OPTIONS, [("Origin", "https://evil.test"), ("Access-Control-Request-Method", "PUT")])
        let answer = try #require(CORSDecision.preflightAnswer(preflight, policy: Self.listed))
        #expect(answer.fields.map(\.name) == ["Vary"])
    }

    @Test(arguments: [
        [("Origin", "https://app.example.com")], [("Access-Control-Request-Method", "PUT")],
    ])
    func anOPTIONSWithoutBothFieldsIsNoPreflight(fields: [(String, String)]) {
        #expect(CORSDecision.preflightAnswer(Self.head(.OPTIONS, fields), policy: Self.listed) == nil)
        let get = Self.head(.GET, [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT")])
        #expect(CORSDecision.preflightAnswer(get, policy: Self.listed) == nil)
    }

    @Test func anActualRequestGetsOriginCredentialsExposeAndVary() {
        let fields = Self.dictionary(CORSDecision.responseFields(Self.head(.GET, [("Origin", "https://x.example.org")]), policy: Self.listed))
        #expect(fields == [
            "Vary": "Origin", "Access-Control-Allow-Origin": "https://x.example.org",
            "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "X-Total",
        ])
        let other = CORSDecision.responseFields(Self.head(.GET, [("Origin", "https://example.org.evil.test")]), policy: Self.listed)
        #expect(other.map(\.name) == ["Vary"])
        #expect(CORSDecision.responseFields(Self.head(.GET, []), policy: Self.listed).map(\.name) == ["Vary"])
        #expect(CORSDecision.varyOrigin.combines, "the backend's own Vary stays")
    }

    /// `*` is answered `*`, and never with credentials, even when they are on.
    @Test func aWildcardIsAnsweredWithAStarAndNoCredentials() {
        let any = CORSPolicy(allowCredentials: true)
        let fields = Self.dictionary(CORSDecision.responseFields(Self.head(.GET, [("Origin", "https://a.test")]), policy: any))
        #expect(fields == ["Access-Control-Allow-Origin": "*"])
        #expect(CORSDecision.responseFields(Self.head(.GET, []), policy: any).isEmpty)
    }

    @Test(arguments: [
        ("https://app.example.com", true), ("HTTPS://APP.EXAMPLE.COM", true), ("http://app.example.com", false),
        ("https://app.example.com:8443", false), ("https://a.example.org", true), ("https://a.b.example.org", false),
        ("https://example.org", false), ("https://a.example.org:443", false), ("null", false), ("https://xexample.org", false),
    ])
    func originsAreMatchedExactlyOrByOneLabel(origin: String, named: Bool) {
        #expect(Self.listed.names(origin: Substring(origin)) == named)
    }
}
