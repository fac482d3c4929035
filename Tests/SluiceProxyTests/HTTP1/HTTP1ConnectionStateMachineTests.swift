import NIOCore
import NIOHTTP1
import Testing

@testable import SluiceProxy

/// The HTTP/1.1 connection machine and the exchange machine it holds, driven without a channel.
@Suite("HTTP/1 connection state machine")
struct HTTP1ConnectionStateMachineTests {
    typealias Machine = HTTP1ConnectionStateMachine

    private static func head(_ method: HTTPMethod = .GET, keepAlive: Bool = true) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: "/")
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }
        return head
    }

    private static let body = HTTPServerRequestPart.body(ByteBuffer(string: "x"))
    private static let end = HTTPServerRequestPart.end(nil)

    @Test func keepAliveExchangeReturnsToIdle() {
        var m = Machine()
        #expect(m.requestHeadReceived(Self.head()) == .startExchange)
        #expect(m.awaitsRequestBody)
        #expect(m.requestBodyReceived(Self.body) == .forward)
        #expect(m.requestEndReceived(Self.end) == .forward)
        #expect(!m.awaitsRequestBody)
        #expect(m.responseHeadReceived(status: 200, mustClose: false) == false)
        #expect(m.responseEndReceived() == .finishExchange(then: .awaitNextRequest))
        #expect(m.state == .idle)
    }

    @Test func clientAskingCloseClosesAfterResponse() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head(keepAlive: false))
        _ = m.requestEndReceived(Self.end)
        #expect(m.responseHeadReceived(status: 200, mustClose: false) == true)
        #expect(m.responseEndReceived() == .finishExchange(then: .close))
        #expect(m.state == .closed)
    }

    /// Parts of a request pipelined behind the current one are kept in order, and handed back
    /// once when the exchange is over.
    @Test func pipelinedRequestIsQueued() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        _ = m.requestEndReceived(Self.end)
        #expect(m.requestHeadReceived(Self.head(.POST)) == .queued)
        #expect(m.requestBodyReceived(Self.body) == .queued)
        #expect(m.requestEndReceived(Self.end) == .queued)
        #expect(m.hasQueuedRequests)
        _ = m.responseHeadReceived(status: 200, mustClose: false)
        _ = m.responseEndReceived()
        let queued = m.takeQueued()
        #expect(queued == [.head(Self.head(.POST)), Self.body, Self.end])
        #expect(!m.hasQueuedRequests)
        #expect(m.takeQueued().isEmpty)
    }

    /// A `GET`'s end follows its head at once: an error decided from the head waits for it, and
    /// the connection stays open.
    @Test func errorToARequestWithoutBodyWaitsForItsEnd() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head(.HEAD))
        let notFound = ProxyErrorResponse.noRoute(host: "h", path: "/p")
        #expect(m.exchangeFailed(notFound, requestHasNoBody: true) == .none)
        #expect(m.requestEndReceived(Self.end) == .perform(.writeError(notFound, answering: .HEAD, then: .awaitNextRequest)))
        #expect(m.state == .idle)
    }

    /// An error before an upload has all arrived goes out at once, and the connection closes
    /// after it, lingering: the client is not kept uploading to a request already answered, and
    /// the rest of its body must not reset the answer.
    @Test func errorBeforeAnUploadEndsIsWrittenAtOnceAndClosesLingering() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head(.POST))
        let unreachable = ProxyErrorResponse.upstreamUnreachable(backend: "b")
        #expect(m.exchangeFailed(unreachable) == .writeError(unreachable, answering: .POST, then: .closeLingering))
        #expect(m.state == .closed)
        #expect(!m.awaitsRequestBody)
        #expect(m.requestBodyReceived(Self.body) == .discard)
    }

    @Test func closingErrorAfterTheRequestIsWrittenAtOnce() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        _ = m.requestEndReceived(Self.end)
        let bad = ProxyErrorResponse.upstreamClosed(backend: "b")
        #expect(m.exchangeFailed(bad) == .writeError(bad, answering: .GET, then: .close))
        #expect(m.state == .closed)
    }

    /// A head the decoder refused answers no request.
    @Test func anErrorWithNoExchangeAnswersNoRequest() {
        var m = Machine()
        let bad = ProxyErrorResponse.rejected(RequestRejection(status: .badRequest, reason: "x"))
        #expect(m.exchangeFailed(bad) == .writeError(bad, answering: nil, then: .close))
    }

    @Test func failureAfterResponseStartedCutsTheClient() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        _ = m.requestEndReceived(Self.end)
        _ = m.responseHeadReceived(status: 200, mustClose: false)
        #expect(m.exchangeFailed(.upstreamTimeout(backend: "b")) == .closeClient(lingering: false))
    }

    /// A stream cut (lifetime cap, a client that stopped reading) while the client still uploads
    /// lingers; one after the request's end does not.
    @Test func aCutLingersOnlyWhileTheBodyIsArriving() {
        var uploading = Machine()
        _ = uploading.requestHeadReceived(Self.head(.POST))
        _ = uploading.responseHeadReceived(status: 200, mustClose: false)
        #expect(uploading.exchangeCut() == .closeClient(lingering: true))
        var done = Machine()
        _ = done.requestHeadReceived(Self.head())
        _ = done.requestEndReceived(Self.end)
        #expect(done.exchangeCut() == .closeClient(lingering: false))
        #expect(done.exchangeCut() == .none)
    }

    /// A client that stopped sending its body gets `408` (or a cut, once the response started),
    /// and is not lingered for.
    @Test func aStalledBodyIsAnsweredWithoutLingering() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head(.PUT))
        #expect(m.requestBodyTimedOut() == .writeError(.requestBodyTimeout, answering: .PUT, then: .close))
        var streaming = Machine()
        _ = streaming.requestHeadReceived(Self.head(.PUT))
        _ = streaming.responseHeadReceived(status: 200, mustClose: false)
        #expect(streaming.requestBodyTimedOut() == .closeClient(lingering: false))
        var complete = Machine()
        _ = complete.requestHeadReceived(Self.head())
        _ = complete.requestEndReceived(Self.end)
        #expect(complete.requestBodyTimedOut() == .none)
    }

    @Test func quiesceClosesIdleConnectionAtOnce() {
        var m = Machine()
        #expect(m.quiesceRequested() == .closeClient(lingering: false))
    }

    @Test func quiesceLetsTheExchangeFinishThenCloses() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        _ = m.requestEndReceived(Self.end)
        #expect(m.quiesceRequested() == .none)
        #expect(m.responseHeadReceived(status: 200, mustClose: false) == true)
        #expect(m.responseEndReceived() == .finishExchange(then: .close))
    }

    @Test func quiesceDuringStreamKeepsStreaming() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        _ = m.requestEndReceived(Self.end)
        _ = m.responseHeadReceived(status: 200, mustClose: false)
        #expect(m.quiesceRequested() == .none)
        #expect(m.responseEndReceived() == .finishExchange(then: .close))
    }

    @Test func tunnelIgnoresQuiesce() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        _ = m.requestEndReceived(Self.end)
        m.upgraded()
        #expect(m.quiesceRequested() == .none)
        #expect(m.state == .tunnel)
        #expect(m.requestHeadReceived(Self.head()) == .discard)
    }

    @Test func timeoutsOnlyApplyWhenIdle() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head())
        #expect(m.headerTimeoutFired() == .none)
        #expect(m.keepAliveTimeoutFired() == .none)
        var idle = Machine()
        #expect(idle.headerTimeoutFired() == .writeError(.requestTimeout, answering: nil, then: .close))
        var idle2 = Machine()
        #expect(idle2.keepAliveTimeoutFired() == .closeClient(lingering: false))
    }

    /// An early answer (a `413` at the head of an upload) says `Connection: close`, and the
    /// close lingers: the rest of the body is still coming.
    @Test func responseStartingBeforeRequestEndClosesTheClientLingering() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head(.POST))
        #expect(m.responseHeadReceived(status: 200, mustClose: false) == true, "the head says Connection: close")
        #expect(m.responseEndReceived() == .finishExchange(then: .closeLingering))
    }

    /// An error answered before the upload ended refuses the rest of it: body and end are
    /// dropped (the upstream never takes a cut body for a whole one) and reading the client no
    /// longer waits for the upstream. A success answered early (a stream replying as the upload
    /// goes) keeps the body going up.
    @Test func anEarlyErrorRefusesTheRestOfTheUpload() {
        var refused = Machine()
        _ = refused.requestHeadReceived(Self.head(.PUT))
        #expect(refused.forwardsRequestBody)
        #expect(refused.responseHeadReceived(status: 413, mustClose: false) == true)
        #expect(!refused.forwardsRequestBody)
        #expect(refused.awaitsRequestBody, "its clock still runs: a client that stops sending is closed")
        #expect(refused.requestBodyReceived(Self.body) == .discard)
        #expect(refused.requestEndReceived(Self.end) == .discard)
        #expect(refused.responseEndReceived() == .finishExchange(then: .close))

        var streaming = Machine()
        _ = streaming.requestHeadReceived(Self.head(.POST))
        _ = streaming.responseHeadReceived(status: 200, mustClose: false)
        #expect(streaming.forwardsRequestBody)
        #expect(streaming.requestBodyReceived(Self.body) == .forward)
        #expect(streaming.requestEndReceived(Self.end) == .forward)
    }

    @Test func theExchangeKeepsItsRequestsMethod() {
        var m = Machine()
        _ = m.requestHeadReceived(Self.head(.DELETE))
        #expect(m.exchange?.method == .DELETE)
    }
}
