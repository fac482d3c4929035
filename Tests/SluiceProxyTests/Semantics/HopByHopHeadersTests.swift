import NIOHTTP1
import SluiceProxy
import Testing

@Suite("Hop-by-hop headers")
struct HopByHopHeadersTests {
    @Test func removesRFC9110FieldsAndThoseNamedInConnection() {
        let headers = HTTPHeaders([
            ("Host", "a"), ("Connection", "keep-alive, X-Foo"), ("connection", "x-bar"), ("Keep-Alive", "5"),
            ("Proxy-Connection", "x"), ("TE", "trailers"), ("Trailer", "x"), ("Transfer-Encoding", "chunked"),
            ("Upgrade", "websocket"), ("X-Foo", "1"), ("X-Bar", "2"), ("X-Kept", "3"), ("Proxy-Authorization", "p"),
        ])
        let result = HopByHopHeaders.removing(from: headers)
        #expect(result.map(\.name) == ["Host", "X-Kept", "Proxy-Authorization"])
    }

    @Test func upgradeKeepsUpgradeAndConnectionUpgradeOnly() {
        let headers = HTTPHeaders([("Connection", "Upgrade, X-Foo"), ("Upgrade", "websocket"), ("X-Foo", "1")])
        let result = HopByHopHeaders.removing(from: headers, keepUpgrade: true)
        #expect(result["upgrade"] == ["websocket"])
        #expect(result["connection"] == ["upgrade"])
        #expect(result["x-foo"].isEmpty)
    }
}
