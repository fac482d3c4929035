import NIOHTTP1
@testable import SluiceProxy
import Testing

@Suite("Client response head")
struct ClientResponseHeadTests {
    private func response(_ status: HTTPResponseStatus = .ok, _ fields: [(String, String)]) -> HTTPResponseHead {
        HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders(fields))
    }

    @Test func interimStatusesGetTheirReasonPhrase() {
        #expect(ClientResponseHead.interimStatus(HTTPResponseStatus(statusCode: 103)).reasonPhrase == "Early Hints")
        #expect(ClientResponseHead.interimStatus(.custom(code: 102, reasonPhrase: "")).reasonPhrase == "Processing")
        #expect(ClientResponseHead.interimStatus(.custom(code: 103, reasonPhrase: "Hints")).reasonPhrase == "Hints")
        #expect(ClientResponseHead.interimStatus(.custom(code: 199, reasonPhrase: "")).code == 199)
    }

    @Test func classifiesResponses() {
        let sse = response(.ok, [("Content-Type", "Text/Event-Stream; charset=utf-8")])
        #expect(ClientResponseHead.kind(of: sse, declaredEventStream: false, requestedUpgrade: false) == .eventStream)
        let plain = response(.ok, [("Content-Type", "text/plain")])
        #expect(ClientResponseHead.kind(of: plain, declaredEventStream: false, requestedUpgrade: false) == .ordinary)
        #expect(ClientResponseHead.kind(of: plain, declaredEventStream: true, requestedUpgrade: false) == .eventStream)
        let switching = response(.switchingProtocols, [("Upgrade", "websocket")])
        #expect(ClientResponseHead.kind(of: switching, declaredEventStream: false, requestedUpgrade: true) == .upgrade)
    }

    @Test func eventStreamHeadSaysNoBufferingAndInventsNoLength() {
        let head = ClientResponseHead.make(
            from: response(.ok, [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive")]),
            plan: ResponseHeadPlan(kind: .eventStream, closeClient: false, clientVersion: .http1_1))
        #expect(head.headers["x-accel-buffering"] == ["no"])
        #expect(head.headers["content-length"].isEmpty)
        #expect(head.headers["transfer-encoding"].isEmpty)
        #expect(head.headers["connection"].isEmpty)
    }

    /// The stream's own setting is replaced, not repeated, whether the head has hop-by-hop
    /// fields to drop or not; a closing head gets one `Connection` field.
    @Test func anUpstreamsBufferingSettingIsReplacedOnce() {
        for fields in [[("Content-Type", "text/event-stream"), ("X-Accel-Buffering", "yes")],
                       [("X-Accel-Buffering", "yes"), ("Transfer-Encoding", "chunked"), ("Connection", "close, X-Other"), ("X-Other", "1")]] {
            let head = ClientResponseHead.make(from: response(.ok, fields), plan: ResponseHeadPlan(kind: .eventStream, closeClient: true, clientVersion: .http1_1))
            #expect(head.headers["x-accel-buffering"] == ["no"])
            #expect(head.headers["connection"] == ["close"])
            #expect(head.headers["x-other"].isEmpty)
        }
        let ordinary = ClientResponseHead.make(
            from: response(.ok, [("X-Accel-Buffering", "yes")]), plan: ResponseHeadPlan(kind: .ordinary, closeClient: false, clientVersion: .http1_0))
        #expect(ordinary.headers["x-accel-buffering"] == ["yes"])
        #expect(ordinary.headers["connection"] == ["keep-alive"])
    }

    @Test func closingHeadSaysSo() {
        let head = ClientResponseHead.make(from: response(.ok, []), plan: ResponseHeadPlan(kind: .ordinary, closeClient: true, clientVersion: .http1_1))
        #expect(head.headers["connection"] == ["close"])
    }

    @Test func upgradeHeadKeepsUpgradeFields() {
        let head = ClientResponseHead.make(
            from: response(.switchingProtocols, [("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Accept", "x")]),
            plan: ResponseHeadPlan(kind: .upgrade, closeClient: false, clientVersion: .http1_1))
        #expect(head.headers["upgrade"] == ["websocket"])
        #expect(head.headers["connection"] == ["upgrade"])
        #expect(head.headers["sec-websocket-accept"] == ["x"])
    }

    @Test func http10ClientNeedsCloseForUnsizedBodies() {
        #expect(ClientResponseHead.needsCloseDelimiting(response(.ok, []), clientVersion: .http1_0))
        #expect(!ClientResponseHead.needsCloseDelimiting(response(.ok, [("Content-Length", "1")]), clientVersion: .http1_0))
        #expect(!ClientResponseHead.needsCloseDelimiting(response(.ok, []), clientVersion: .http1_1))
    }
}
