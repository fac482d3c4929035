import Foundation
import KubeClient
import KubeModels
import SluiceTestSupport
import Testing

@Suite struct KubeAPIClientWatchTests {
    @Test func receivesAddedModifiedDeletedInOrderThenBookmarks() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(TestIngress(name: "existing"))
            let client = makeClient(server)
            let list = try await client.list(.ingresses, as: TestIngress.self)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: list.resourceVersion, timeoutSeconds: 60, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }

            try server.put(TestIngress(name: "web"))
            try server.put(TestIngress(name: "web", host: "changed.example.com"))
            server.delete(TestIngress.self, namespace: "default", name: "web")
            try await recorder.waitForEvents(3)
            server.sendBookmarksNow()
            try await recorder.waitForEvents(4)

            let events = recorder.events
            guard case .added(let added) = events[0], case .modified(let modified) = events[1],
                case .deleted(let deleted) = events[2], case .bookmark(let version) = events[3]
            else {
                Issue.record("unexpected events \(events)")
                return
            }
            #expect(added.metadata.name == "web" && added.kind == "Ingress" && added.apiVersion == "networking.k8s.io/v1")
            #expect(modified.spec?.rules?.first?.host == "changed.example.com")
            #expect(deleted.metadata.name == "web")
            #expect(version == server.resourceVersion)
            let request = try #require(server.requests.last { $0.isWatch })
            #expect(request.query["resourceVersion"] == list.resourceVersion)
            #expect(request.query["allowWatchBookmarks"] == "true")
            #expect(request.query["timeoutSeconds"] == "60")
            recorder.task.cancel()
        }
    }

    @Test func replaysChangesMadeSinceTheGivenVersion() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let list = try await client.list(.ingresses, as: TestIngress.self)
            try server.put(TestIngress(name: "a"))
            try server.put(TestIngress(name: "b"))
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: list.resourceVersion, timeoutSeconds: 60, as: TestIngress.self))
            try await recorder.waitForEvents(2)
            #expect(recorder.events.map(Self.name) == ["ADDED a", "ADDED b"])
            recorder.task.cancel()
        }
    }

    @Test func endsNormallyWithABookmarkWhenTheServerTimesOut() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let version = server.resourceVersion
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: version, timeoutSeconds: 1, as: TestIngress.self))
            try await recorder.waitForEnd()
            #expect(recorder.error == nil)
            #expect(recorder.events == [.bookmark(resourceVersion: version)])
        }
    }

    @Test func tooOldVersionGivesAnExpiredErrorEventThenEnds() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(TestIngress(name: "a"))
            let client = makeClient(server)
            let old = try await client.list(.ingresses, as: TestIngress.self).resourceVersion
            try server.put(TestIngress(name: "b"))
            server.compactHistory()
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: old, timeoutSeconds: 60, as: TestIngress.self))
            try await recorder.waitForEnd()
            #expect(recorder.error == nil)
            guard case .error(let status)? = recorder.events.first else {
                Issue.record("expected an ERROR event, got \(recorder.events)")
                return
            }
            #expect(recorder.events.count == 1)
            #expect(status.code == 410 && status.reason == "Expired" && status.isExpired)
        }
    }

    @Test func reportsAMalformedLineAndContinues() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: server.resourceVersion, timeoutSeconds: 60, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            server.sendMalformedLineToWatches()
            try server.put(TestIngress(name: "after"))
            try await recorder.waitForEvents(2)
            guard case .decodingFailed(let line, _) = recorder.events[0] else {
                Issue.record("expected decodingFailed, got \(recorder.events)")
                return
            }
            #expect(line == #"{"type":"ADDED","object":{"kind":"#)
            #expect(Self.name(recorder.events[1]) == "ADDED after")
            #expect(!recorder.ended)
            recorder.task.cancel()
        }
    }

    /// A server that streams an endless line (broken or hostile) ends the watch with a clear error
    /// once the line passes the limit (32 MiB), instead of growing the client's memory with it;
    /// the client lets go of the transfer.
    @Test func aLineLongerThanTheLimitEndsTheWatchWithADecodingError() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: server.resourceVersion, timeoutSeconds: 60, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            server.sendMalformedLineToWatches(#"{"type":"ADDED","object":{"kind":""# + String(repeating: "x", count: 33 << 20))
            // 33 MiB through a debug build's line splitter takes about 10 s alone on 2 cores.
            try await recorder.waitForEnd(timeout: .seconds(90))
            guard case .decoding(let message)? = recorder.error as? KubeAPIError else {
                Issue.record("expected a decoding error, got \(String(describing: recorder.error)) after \(recorder.events.count) events")
                return
            }
            #expect(message == "a watch event line passed 33554432 bytes without ending")
            #expect(recorder.events.isEmpty)
            try await server.waitUntil("the client to close the watch") { $0.openWatchCount == 0 }
        }
    }

    /// A dropped connection (no terminating chunk) ends the stream with a transport error, so a
    /// reflector can tell it from the server's normal end of a watch.
    @Test func serverDropEndsTheStreamWithATransportError() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: server.resourceVersion, timeoutSeconds: 60, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            try server.put(TestIngress(name: "a"))
            try await recorder.waitForEvents(1)
            server.dropWatches()
            try await recorder.waitForEnd()
            guard case .transport? = recorder.error as? KubeAPIError else {
                Issue.record("expected a transport error, got \(String(describing: recorder.error))")
                return
            }
        }
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: server.resourceVersion, timeoutSeconds: 600, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            recorder.task.cancel()
            try await recorder.waitForEnd()
            try await server.waitUntil("the server to see the watch closed") { $0.openWatchCount == 0 }
        }
    }

    @Test func shuttingTheClientDownEndsItsWatches() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: server.resourceVersion, timeoutSeconds: 600, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            client.shutdown()
            try await recorder.waitForEnd()
            #expect(recorder.error == nil)
            try await server.waitUntil("the server to see the watch closed") { $0.openWatchCount == 0 }
        }
    }

    /// The stream, not the client, owns a watch: dropping the client does not end it.
    @Test func aWatchOutlivesItsDroppedClient() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let recorder = WatchRecorder(makeClient(server).watch(.ingresses, resourceVersion: server.resourceVersion, timeoutSeconds: 600, as: TestIngress.self))
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            try server.put(TestIngress(name: "still-watched"))
            try await recorder.waitForEvents(1)
            #expect(recorder.events.map(Self.name) == ["ADDED still-watched"])
            recorder.task.cancel()
            try await server.waitUntil("the server to see the watch closed") { $0.openWatchCount == 0 }
        }
    }

    @Test func forbiddenWatchThrows() async throws {
        try await FakeKubeAPIServer.withServer { server in
            server.failNext(path: "/apis/networking.k8s.io/v1/ingresses", with: .forbidden)
            let client = makeClient(server)
            let recorder = WatchRecorder(client.watch(.ingresses, resourceVersion: "1", timeoutSeconds: 60, as: TestIngress.self))
            try await recorder.waitForEnd()
            guard case .forbidden(let verb, let resource, _)? = recorder.error as? KubeAPIError else {
                Issue.record("expected forbidden, got \(String(describing: recorder.error))")
                return
            }
            #expect(verb == "watch" && resource == "ingresses.networking.k8s.io")
        }
    }

    @Test func manyWatchesRunAtOnce() async throws {
        try await FakeKubeAPIServer.withServer { server in
            let client = makeClient(server)
            let version = server.resourceVersion
            let recorders = (0..<8).map { index in
                WatchRecorder(client.watch(.ingresses.namespace("ns\(index)"), resourceVersion: version, timeoutSeconds: 60, as: TestIngress.self))
            }
            try await server.waitUntil("8 watches to open") { $0.openWatchCount == 8 }
            for index in 0..<8 { try server.put(TestIngress(namespace: "ns\(index)", name: "only-\(index)")) }
            for (index, recorder) in recorders.enumerated() {
                try await recorder.waitForEvents(1)
                #expect(recorder.events.map(Self.name) == ["ADDED only-\(index)"])
                recorder.task.cancel()
            }
        }
    }

    static func name(_ event: WatchEvent<TestIngress>) -> String {
        switch event {
        case .added(let object): "ADDED \(object.metadata.name ?? "")"
        case .modified(let object): "MODIFIED \(object.metadata.name ?? "")"
        case .deleted(let object): "DELETED \(object.metadata.name ?? "")"
        case .bookmark(let version): "BOOKMARK \(version)"
        case .error(let status): "ERROR \(status)"
        case .decodingFailed(let line, _): "UNDECODABLE \(line)"
        }
    }
}
