import NIOConcurrencyHelpers
import NIOCore
import SluiceProxy
import SluiceTestSupport
import Testing

/// The scoped test helpers end what they started before they return, and report rather than
/// hide what went wrong.
@Suite("withProxy and withTeardown")
struct WithProxyTests {
    struct BodyFailed: Error {}
    struct TeardownFailed: Error {}

    @Test func everyConnectionIsClosedWhenTheScopeEnds() async throws {
        let (accepted, client) = try await withProxy(upstream: .echo) { proxy, _ in
            let client = try await proxy.connect()
            try await client.send(get("/"))
            #expect(try await client.readResponse().status == 200)
            return (proxy.accepted, client)
        }
        let channels = accepted.withLockedValue { $0 }
        #expect(channels.count == 1)
        #expect(channels.allSatisfy { !$0.isActive }, "closed before withProxy returned")
        try await client.waitForClose()
    }

    @Test func aFailingBodyStillStopsTheProxyAndItsErrorIsRethrown() async throws {
        var accepted: NIOLockedValueBox<[any Channel]>?
        await #expect(throws: BodyFailed.self) {
            try await withProxy(upstream: .echo) { proxy, _ in
                let client = try await proxy.connect()
                try await client.send(get("/"))
                _ = try await client.readResponse()
                accepted = proxy.accepted
                throw BodyFailed()
            }
        }
        let channels = try #require(accepted).withLockedValue { $0 }
        #expect(channels.count == 1)
        #expect(channels.allSatisfy { !$0.isActive })
    }

    @Test func aTeardownFailureIsThrownWhenTheBodySucceeded() async throws {
        await #expect(throws: TeardownFailed.self) {
            try await withTeardown { 1 } teardown: { throw TeardownFailed() }
        }
    }

    @Test func theBodysFailureWinsOverTheTeardowns() async throws {
        var tornDown = false
        await #expect(throws: BodyFailed.self) {
            try await withTeardown { throw BodyFailed() } teardown: {
                tornDown = true
                throw TeardownFailed()
            }
        }
        #expect(tornDown)
    }
}
