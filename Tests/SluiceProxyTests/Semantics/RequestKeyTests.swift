import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// `RequestKey`: the variables of a key template read from a request, as text (the auth cache)
/// and as a hash (consistent hashing), which is nil when the request has none of them.
@Suite("Request keys")
struct RequestKeyTests {
    private static func head(_ uri: String, _ fields: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders([("Host", "a.test")] + fields))
    }

    @Test func variablesAreReadFromTheRequest() {
        let parts = RequestKeyPart.parse("$http_x_user|$cookie_sid|$arg_room|$remote_addr|$host|$request_uri").parts
        let head = Self.head("/chat?Room=42&x=1", [("X-User", "ann"), ("Cookie", "a=1; sid=s3")])
        #expect(RequestKey.expand(parts, head: head, clientIP: "10.0.0.9")
            == ["ann", "|", "s3", "|", "42", "|", "10.0.0.9", "|", "a.test", "|", "/chat?Room=42&x=1"].joined(separator: "\u{0}") + "\u{0}")
    }

    @Test(arguments: [
        ("/p?room=1", "1"), ("/p?a=b&room=&c", ""), ("/p?room", ""), ("/p?x=1&ROOM=7#frag", "7"), ("/p?room=a%20b", "a%20b"),
    ])
    func queryArgumentsAreTheFirstOfTheirName(uri: String, value: String) {
        #expect(RequestKey.queryArgument("room", in: uri) == Substring(value))
    }

    @Test func aMissingQueryArgumentIsNil() {
        #expect(RequestKey.queryArgument("room", in: "/p") == nil)
        #expect(RequestKey.queryArgument("room", in: "/p?rooms=1") == nil)
    }

    @Test func theHashDependsOnTheValuesAndIsNilWithoutAny() {
        let parts = RequestKeyPart.parse("user:$http_x_user").parts
        let ann = RequestKey.hash(parts, head: Self.head("/", [("X-User", "ann")]), clientIP: nil)
        let bob = RequestKey.hash(parts, head: Self.head("/", [("X-User", "bob")]), clientIP: nil)
        #expect(ann != nil && bob != nil && ann != bob)
        #expect(ann == RequestKey.hash(parts, head: Self.head("/other", [("x-user", "ann")]), clientIP: "10.0.0.1"))
        #expect(RequestKey.hash(parts, head: Self.head("/"), clientIP: nil) == nil)
        // Values never run together: "ab" + "" is not "a" + "b".
        let two = RequestKeyPart.parse("$http_a$http_b").parts
        #expect(RequestKey.hash(two, head: Self.head("/", [("A", "ab")]), clientIP: nil)
            != RequestKey.hash(two, head: Self.head("/", [("A", "a"), ("B", "b")]), clientIP: nil))
    }
}
