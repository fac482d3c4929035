import Foundation
import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// What a request's `Authorization` field asks of basic auth, and the challenge of a `401`.
@Suite("Basic auth: credentials and verdict")
struct BasicAuthCheckTests {
    private static func head(_ authorization: [String]) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        for value in authorization { head.headers.add(name: "Authorization", value: value) }
        return head
    }

    private static func basic(_ text: String) -> String {
        "Basic " + Data(text.utf8).base64EncodedString()
    }

    @Test func basicCredentialsAreDecoded() {
        let credentials = BasicAuthCheck.credentials(Self.head([Self.basic("alice:pa:ss")]))
        #expect(credentials == BasicAuthCheck.Credentials(user: "alice", password: Array("pa:ss".utf8)))
        let lower = BasicAuthCheck.credentials(Self.head(["basic " + Data("bob:".utf8).base64EncodedString()]))
        #expect(lower == BasicAuthCheck.Credentials(user: "bob", password: []))
    }

    @Test(arguments: [
        [], ["Bearer abc"], ["Basic !!!"], [basic("no-colon")], [basic("a:b"), basic("a:b")], ["Basic"],
    ])
    func anythingElseHasNoCredentials(fields: [String]) {
        #expect(BasicAuthCheck.credentials(Self.head(fields)) == nil)
    }

    @Test func onlyAKnownUserIsVerified() throws {
        let hash = try PasswordHash.parse("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=").get()
        let auth = BasicAuth(realm: "Staff", users: ["alice": hash], secret: "default/users")
        #expect(BasicAuthCheck.verdict(Self.head([Self.basic("alice:pw")]), auth: auth)
            == .verify(BasicAuthCheck.Credentials(user: "alice", password: Array("pw".utf8)), hash))
        #expect(BasicAuthCheck.verdict(Self.head([Self.basic("mallory:pw")]), auth: auth) == .challenge)
        #expect(BasicAuthCheck.verdict(Self.head([]), auth: auth) == .challenge)
    }

    @Test func theChallengeNamesTheRealm() {
        let response = ProxyErrorResponse.basicAuthRequired(realm: "Staff only")
        #expect(response.status == .unauthorized)
        #expect(response.authenticate == "Basic realm=\"Staff only\"")
        #expect(!response.closeConnection)
    }

    /// The cache's entry changes with the user, the password and the stored hash, so that a
    /// changed Secret finds no entry.
    @Test func cacheEntriesAreKeyedByUserPasswordAndHash() {
        let entry = BasicAuthCache.entry(user: "alice", password: Array("pw".utf8), hash: "h1")
        #expect(entry == BasicAuthCache.entry(user: "alice", password: Array("pw".utf8), hash: "h1"))
        #expect(entry != BasicAuthCache.entry(user: "alice", password: Array("pw".utf8), hash: "h2"))
        #expect(entry != BasicAuthCache.entry(user: "alice", password: Array("pX".utf8), hash: "h1"))
        #expect(entry != BasicAuthCache.entry(user: "alicep", password: Array("w".utf8), hash: "h1"))
        var cache = BasicAuthCache()
        #expect(!cache.contains(entry))
        cache.insert(entry)
        #expect(cache.contains(entry))
    }
}
