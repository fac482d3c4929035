import SluiceRouting
import Testing

@testable import SluiceProxy

/// Sticky sessions' decisions: tokens that hide the address, which endpoint a cookie names in
/// each mode when an endpoint is added or removed, and the `Set-Cookie` value.
@Suite("Sticky session decisions")
struct StickySessionTests {
    private static func endpoints(_ count: Int) -> [Endpoint] {
        (0..<count).map { Endpoint(host: "10.0.\($0 / 250).\($0 % 250 + 1)", port: 8080) }
    }

    @Test func aTokenHidesTheAddressAndDependsOnTheKey() {
        let endpoint = Endpoint(host: "10.1.2.3", port: 8080)
        let token = StickySession.token(for: endpoint, key: "uid-1")
        #expect(token.count == 32)
        #expect(token.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        #expect(!token.contains("10.1.2.3") && !token.contains("8080"))
        #expect(token == StickySession.token(for: endpoint, key: "uid-1"), "every replica makes the same token")
        #expect(token != StickySession.token(for: endpoint, key: "uid-2"))
        #expect(token != StickySession.token(for: Endpoint(host: "10.1.2.3", port: 8081), key: "uid-1"))
    }

    /// 3,000 sessions over 5 endpoints, then a sixth is added: persistent cookies all stay; balanced
    /// ones move only to the new endpoint, about 1/6 of them.
    @Test func anAddedEndpointMovesBalancedSessionsOnly() {
        var random = SystemRandomNumberGenerator()
        let before = Self.endpoints(5)
        let after = Self.endpoints(6)
        let tokensBefore = before.map { StickySession.token(for: $0, key: "k") }
        let tokensAfter = after.map { StickySession.token(for: $0, key: "k") }
        var balancedMoved = 0
        for session in 0..<3000 {
            let target = session % before.count
            let (key, landed) = StickySession.balancedKey(for: target, endpoints: before, random: &random)
            #expect(landed == target)
            #expect(StickySession.balancedEndpoint(cookie: key[...], endpoints: before) == target)
            let now = StickySession.balancedEndpoint(cookie: key[...], endpoints: after)
            if now != target {
                balancedMoved += 1
                #expect(now == 5, "a balanced session moves only to the new endpoint")
            }
            let token = tokensBefore[target]
            #expect(StickySession.persistentEndpoint(cookie: token[...], tokens: tokensAfter) == target)
        }
        // 1/6 of 3,000 is 500; binomial sd ≈ 20.
        #expect((380...620).contains(balancedMoved))
    }

    /// A removed endpoint: its persistent cookie names nothing (a new endpoint and cookie follow);
    /// its balanced sessions go elsewhere and the others stay.
    @Test func aRemovedEndpointsSessionsMove() {
        var random = SystemRandomNumberGenerator()
        let before = Self.endpoints(4)
        let after = Array(before.dropFirst())
        let tokensAfter = after.map { StickySession.token(for: $0, key: "k") }
        #expect(StickySession.persistentEndpoint(cookie: StickySession.token(for: before[0], key: "k")[...], tokens: tokensAfter) == nil)
        #expect(StickySession.persistentEndpoint(cookie: "not-a-token", tokens: tokensAfter) == nil)
        for session in 0..<400 {
            let (key, landed) = StickySession.balancedKey(for: session % 4, endpoints: before, random: &random)
            let now = after[StickySession.balancedEndpoint(cookie: key[...], endpoints: after)]
            if landed != 0 { #expect(now == before[landed]) }
        }
    }

    @Test func theCookieHasIngressNginxsAttributes() {
        let affinity = SessionAffinity(
            cookieName: "route", path: "/app", maxAge: 3600, expires: 172_800, sameSite: "Lax", secure: true)
        #expect(
            StickySession.setCookie(value: "abc", affinity: affinity, path: "/ignored", https: false, now: 784_111_777 - 172_800)
                == "route=abc; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=3600; Path=/app; Secure; HttpOnly; SameSite=Lax")
        let plain = SessionAffinity()
        #expect(StickySession.setCookie(value: "v", affinity: plain, path: "/api", https: false, now: 0) == "INGRESSCOOKIE=v; Path=/api; HttpOnly")
        #expect(StickySession.setCookie(value: "v", affinity: plain, path: "/", https: true, now: 0) == "INGRESSCOOKIE=v; Path=/; Secure; HttpOnly")
        var notSecure = plain
        notSecure.secure = false
        #expect(!StickySession.setCookie(value: "v", affinity: notSecure, path: "/", https: true, now: 0).contains("Secure"))
    }

    @Test func theDefaultPathIsTheRoutes() {
        #expect(StickySession.defaultPath(of: .prefix(ingressPath: "/")) == "/")
        #expect(StickySession.defaultPath(of: .prefix(ingressPath: "/socket.io/")) == "/socket.io")
        #expect(StickySession.defaultPath(of: .exact("/poll")) == "/poll")
    }

    @Test func httpDates() {
        #expect(HTTPDate.imfFixdate(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.imfFixdate(secondsSince1970: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.imfFixdate(secondsSince1970: 4_102_444_799) == "Thu, 31 Dec 2099 23:59:59 GMT")
    }
}
