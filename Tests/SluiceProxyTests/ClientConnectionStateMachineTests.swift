import NIOHTTP1
import Testing

@testable import SluiceProxy

@Suite("Client connection state machine")
struct ClientConnectionStateMachineTests {
    typealias Machine = ClientConnectionStateMachine

    @Test func keepAliveExchangeReturnsToIdle() {
        var m = Machine()
        #expect(m.requestHeadReceived(keepAlive: true) == .startExchange)
        #expect(m.requestBodyReceived() == .forward)
        #expect(m.requestEndReceived() == .forward)
        #expect(m.responseHeadReceived(mustClose: false) == false)
        #expect(m.responseEndReceived() == .finishExchange(closeClient: false))
        #expect(m.state == .idle)
    }

    @Test func clientAskingCloseClosesAfterResponse() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: false)
        _ = m.requestEndReceived()
        #expect(m.responseHeadReceived(mustClose: false) == true)
        #expect(m.responseEndReceived() == .finishExchange(closeClient: true))
        #expect(m.state == .closed)
    }

    @Test func pipelinedRequestIsQueued() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        _ = m.requestEndReceived()
        #expect(m.requestHeadReceived(keepAlive: true) == .queue)
        #expect(m.requestBodyReceived() == .queue)
        #expect(m.requestEndReceived() == .queue)
    }

    /// A `GET`'s end follows its head at once: an error decided from the head waits for it, and
    /// the connection stays open.
    @Test func errorToARequestWithoutBodyWaitsForItsEnd() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        let notFound = ProxyErrorResponse.noRoute(host: "h", path: "/p")
        #expect(m.exchangeFailed(notFound, requestHasNoBody: true) == .none)
        #expect(m.requestEndReceived() == .writeError(notFound, close: false))
        #expect(m.state == .idle)
    }

    /// An error before an upload has all arrived goes out at once, and the connection closes
    /// after it: the client is not kept uploading to a request already answered.
    @Test func errorBeforeAnUploadEndsIsWrittenAtOnceAndCloses() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        let unreachable = ProxyErrorResponse.upstreamUnreachable(backend: "b")
        #expect(m.exchangeFailed(unreachable) == .writeError(unreachable, close: true))
        #expect(m.state == .closed)
        #expect(m.requestBodyReceived() == .discard)
    }

    @Test func closingErrorIsWrittenAtOnce() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        let bad = ProxyErrorResponse.rejected(RequestRejection(status: .badRequest, reason: "x"))
        #expect(m.exchangeFailed(bad) == .writeError(bad, close: true))
        #expect(m.state == .closed)
    }

    @Test func failureAfterResponseStartedClosesTheClient() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        _ = m.requestEndReceived()
        _ = m.responseHeadReceived(mustClose: false)
        #expect(m.upstreamTimedOut(.upstreamTimeout(backend: "b")) == .closeClient)
    }

    @Test func quiesceClosesIdleConnectionAtOnce() {
        var m = Machine()
        #expect(m.quiesceRequested() == .closeClient)
    }

    @Test func quiesceLetsTheExchangeFinishThenCloses() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        _ = m.requestEndReceived()
        #expect(m.quiesceRequested() == .none)
        #expect(m.responseHeadReceived(mustClose: false) == true)
        #expect(m.responseEndReceived() == .finishExchange(closeClient: true))
    }

    @Test func quiesceDuringStreamKeepsStreaming() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        _ = m.requestEndReceived()
        _ = m.responseHeadReceived(mustClose: false)
        #expect(m.quiesceRequested() == .none)
        #expect(m.responseEndReceived() == .finishExchange(closeClient: true))
    }

    @Test func tunnelIgnoresQuiesce() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        _ = m.requestEndReceived()
        m.upgraded()
        #expect(m.quiesceRequested() == .none)
        #expect(m.state == .tunnel)
    }

    @Test func timeoutsOnlyApplyWhenIdle() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        #expect(m.headerTimeoutFired() == .none)
        #expect(m.keepAliveTimeoutFired() == .none)
        var idle = Machine()
        #expect(idle.headerTimeoutFired() == .writeError(.requestTimeout, close: true))
        var idle2 = Machine()
        #expect(idle2.keepAliveTimeoutFired() == .closeClient)
    }

    @Test func responseStartingBeforeRequestEndClosesTheClient() {
        var m = Machine()
        _ = m.requestHeadReceived(keepAlive: true)
        #expect(m.responseHeadReceived(mustClose: false) == true, "the head says Connection: close")
        #expect(m.responseEndReceived() == .finishExchange(closeClient: true))
    }
}
