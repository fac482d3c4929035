import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// The pure halves of external auth: the subrequest made from a request, and the outcome of the
/// auth service's answer.
@Suite("External auth: subrequest and outcome")
struct ExternalAuthCheckTests {
    private static let auth = ExternalAuth(
        host: "auth.local", port: 4180, authority: "auth.local:4180", target: "/oauth2/auth?x=1",
        responseHeaders: ["x-auth-user", "x-auth-email"])
    private static let facts = ClientConnectionFacts(clientIP: "10.1.2.3", localPort: 80, proto: "http")

    private static func post() -> HTTPRequestHead {
        HTTPRequestHead(
            version: .http1_1, method: .POST, uri: "/app/save?id=7",
            headers: [
                "Host": "example.com", "Cookie": "_oauth2_proxy=abc", "Authorization": "Bearer t",
                "Content-Length": "5", "Transfer-Encoding": "chunked", "Expect": "100-continue", "Connection": "keep-alive",
                "X-Original-URL": "http://evil/", "X-Forwarded-For": "6.6.6.6",
            ])
    }

    @Test func theSubrequestCarriesTheRequestButNotItsBody() {
        let sub = ExternalAuthCheck.subrequest(for: Self.post(), auth: Self.auth, facts: Self.facts)
        #expect(sub.method == .GET)
        #expect(sub.uri == "/oauth2/auth?x=1")
        #expect(sub.headers["host"] == ["auth.local:4180"])
        #expect(sub.headers["cookie"] == ["_oauth2_proxy=abc"])
        #expect(sub.headers["authorization"] == ["Bearer t"])
        #expect(sub.headers["content-length"] == ["0"])
        #expect(sub.headers["transfer-encoding"].isEmpty)
        #expect(sub.headers["expect"].isEmpty)
        // Kept alive by default; a connection per check (`auth-keepalive: 0`) says it closes.
        #expect(sub.headers["connection"].isEmpty)
        var once = Self.auth
        once.keepAlive = nil
        #expect(ExternalAuthCheck.subrequest(for: Self.post(), auth: once, facts: Self.facts).headers["connection"] == ["close"])
        #expect(sub.headers["x-original-url"] == ["http://example.com/app/save?id=7"])
        #expect(sub.headers["x-original-method"] == ["POST"])
        #expect(sub.headers["x-auth-request-redirect"] == ["/app/save?id=7"])
        #expect(sub.headers["x-forwarded-for"] == ["10.1.2.3"])
        #expect(sub.headers["x-real-ip"] == ["10.1.2.3"])
    }

    @Test func authMethodAndRequestRedirectAreHonoured() {
        var auth = Self.auth
        auth.method = "POST"
        auth.requestRedirect = "https://app.example.com/back"
        let sub = ExternalAuthCheck.subrequest(for: Self.post(), auth: auth, facts: Self.facts)
        #expect(sub.method == .POST)
        #expect(sub.headers["content-length"] == ["0"])
        #expect(sub.headers["x-auth-request-redirect"] == ["https://app.example.com/back"])
    }

    @Test func aTwoHundredAllowsWithTheListedFields() {
        let answer: HTTPHeaders = ["X-Auth-User": "alice", "X-Other": "no", "x-auth-email": "a@example.com"]
        let outcome = ExternalAuthCheck.outcome(status: .accepted, headers: answer, auth: Self.auth, for: Self.post(), scheme: "http")
        #expect(outcome == .allow(["x-auth-user": "alice", "x-auth-email": "a@example.com"]))
    }

    @Test(arguments: [
        (HTTPResponseStatus.unauthorized, 401), (.forbidden, 403), (.found, 500), (.internalServerError, 500),
        (.notFound, 500), (.badRequest, 500),
    ])
    func anythingButTwoHundredDenies(status: HTTPResponseStatus, expected: Int) {
        let outcome = ExternalAuthCheck.outcome(
            status: status, headers: ["WWW-Authenticate": "Basic realm=x"], auth: Self.auth, for: Self.post(), scheme: "http")
        guard case .deny(let error) = outcome else {
            Issue.record("allowed \(status)")
            return
        }
        #expect(Int(error.status.code) == expected)
        #expect(error.authenticate == (expected == 401 ? "Basic realm=x" : nil))
    }

    @Test func noAnswerFailsClosed() {
        let outcome = ExternalAuthCheck.outcome(status: nil, headers: [:], auth: Self.auth, for: Self.post(), scheme: "http")
        #expect(outcome == .deny(.authFailed("the auth service did not answer")))
    }

    @Test(arguments: [
        ("https://$host/oauth2/start?rd=$escaped_request_uri", "rd", "https://example.com/oauth2/start?rd=%2Fapp%2Fsave%3Fid%3D7"),
        ("https://login.example.com/start", "rd", "https://login.example.com/start?rd=http%3A%2F%2Fexample.com%2Fapp%2Fsave%3Fid%3D7"),
        ("https://login.example.com/start?a=b", "next", "https://login.example.com/start?a=b&next=http%3A%2F%2Fexample.com%2Fapp%2Fsave%3Fid%3D7"),
        ("$scheme://$http_host/in$request_uri", "rd", "http://example.com/in/app/save?id=7&rd=http%3A%2F%2Fexample.com%2Fapp%2Fsave%3Fid%3D7"),
    ])
    func aFourOhOneRedirectsToSignIn(signin: String, param: String, location: String) {
        var auth = Self.auth
        auth.signin = signin
        auth.signinRedirectParam = param
        let outcome = ExternalAuthCheck.outcome(status: .unauthorized, headers: [:], auth: auth, for: Self.post(), scheme: "http")
        guard case .deny(let error) = outcome else {
            Issue.record("allowed")
            return
        }
        #expect(error.status == .found)
        #expect(error.location == location)
    }

    @Test func aFourOhThreeIsNotRedirected() {
        var auth = Self.auth
        auth.signin = "https://login.example.com/start"
        let outcome = ExternalAuthCheck.outcome(status: .forbidden, headers: [:], auth: auth, for: Self.post(), scheme: "http")
        #expect(outcome == .deny(ProxyErrorResponse(status: .forbidden, message: "access denied", closeConnection: false)))
    }
}
