import SluiceRouting
import Testing

@Suite("RoutePolicy")
struct RoutePolicyTests {
    @Test func defaults() {
        let policy = RoutePolicy.default
        #expect(policy.connectTimeout == .seconds(5))
        #expect(policy.readTimeout == .seconds(60))
        #expect(policy.streamIdleTimeout == .seconds(3600))
        #expect(policy.sendTimeout == .seconds(60))
        #expect(policy.maxStreamDuration == nil)
        #expect(!policy.buffering && !policy.compression)
    }

    @Test(arguments: [
        ("/api/chat", true),
        ("/api/chat/", true),
        ("/api/chat/123", true),
        ("/api/chatroom", false),
        ("/api/threads", true),
        ("/api/threads/7/stream", true),
        ("/api", false),
        ("/other", false),
    ])
    func declaresEventStream(path: String, expected: Bool) {
        let policy = RoutePolicy(eventStreamPaths: ["/api/chat", "/api/threads/"])
        #expect(policy.declaresEventStream(path: Substring(path)) == expected)
    }

    @Test func noEventStreamPathsDeclaresNothing() {
        #expect(!RoutePolicy.default.declaresEventStream(path: "/"))
    }
}
