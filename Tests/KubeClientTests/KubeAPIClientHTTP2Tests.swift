import Foundation
import KubeClient
import KubeModels
import SluiceTestSupport
import Testing

/// The client against a fake API server that offers `h2` by ALPN, as a real one does: libcurl
/// picks HTTP/2, every request is a stream, and watches share a connection.
@Suite struct KubeAPIClientHTTP2Tests {
    private static func withHTTP2Server<Result: Sendable>(
        _ body: (FakeKubeAPIServer, KubeAPIClient) async throws -> Result
    ) async throws -> Result {
        try await FakeKubeAPIServer.withServer(tls: .serverOnly, http2: true) { server in
            try await body(server, makeTLSClient(server))
        }
    }

    private static func makeTLSClient(_ server: FakeKubeAPIServer) -> KubeAPIClient {
        KubeAPIClient(
            config: KubeConfig(
                server: server.baseURL, bearerToken: .literal(FakeKubeAPIServer.defaultToken),
                certificateAuthority: .data(Data(FakeKubeTLS.caCertificate.utf8))))
    }

    private static func watch(
        _ client: KubeAPIClient, _ path: KubeResourcePath = .ingresses, from version: String
    ) -> WatchRecorder<TestIngress> {
        WatchRecorder(client.watch(path, resourceVersion: version, timeoutSeconds: 600, as: TestIngress.self))
    }

    @Test func paginatedListTravelsOverHTTP2() async throws {
        try await Self.withHTTP2Server { server, client in
            for index in 0..<5 { try server.put(TestIngress(name: "web-\(index)")) }

            let list = try await client.list(.ingresses, as: TestIngress.self, limit: 2)

            #expect(list.items.compactMap(\.metadata.name) == (0..<5).map { "web-\($0)" })
            #expect(list.resourceVersion == server.resourceVersion)
            let pages = server.requests
            #expect(pages.count == 3)
            #expect(pages.map(\.httpVersion) == ["HTTP/2", "HTTP/2", "HTTP/2"])
            #expect(pages.dropFirst().allSatisfy { $0.query["continue"] != nil })
            #expect(server.acceptedConnectionCount == 1)
        }
    }

    /// The same server without `http2` negotiates HTTP/1.1: the log tells the two apart.
    @Test func withoutHTTP2TheSameClientSpeaksHTTP1() async throws {
        try await FakeKubeAPIServer.withServer(tls: .serverOnly) { server in
            _ = try await Self.makeTLSClient(server).list(.ingresses, as: TestIngress.self)
            #expect(server.requests.map(\.httpVersion) == ["HTTP/1.1"])
        }
    }

    /// Lockstep: the server makes each change only after the client has received the previous
    /// event, so the events must travel one DATA frame at a time, not at the end of the stream.
    @Test func watchDeliversEachEventAsItHappens() async throws {
        try await Self.withHTTP2Server { server, client in
            let recorder = Self.watch(client, from: server.resourceVersion)
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }

            try server.put(TestIngress(name: "web"))
            try await recorder.waitForEvents(1)
            try server.put(TestIngress(name: "web", host: "changed.example.com"))
            try await recorder.waitForEvents(2)
            server.delete(TestIngress.self, namespace: "default", name: "web")
            try await recorder.waitForEvents(3)
            server.sendBookmarksNow()
            try await recorder.waitForEvents(4)
            server.sendMalformedLineToWatches()
            try await recorder.waitForEvents(5)

            let version = server.resourceVersion
            #expect(
                recorder.events.prefix(4).map(KubeAPIClientWatchTests.name) == [
                    "ADDED web", "MODIFIED web", "DELETED web", "BOOKMARK \(version)",
                ])
            guard case .decodingFailed? = recorder.events.last else {
                Issue.record("expected an undecodable line last, got \(recorder.events)")
                return
            }
            #expect(!recorder.ended)
            let request = try #require(server.requests.last { $0.isWatch })
            #expect(request.httpVersion == "HTTP/2")
            recorder.task.cancel()
        }
    }

    /// Cancelling the consumer resets the watch's stream, not the shared connection. libcurl
    /// 7.88 queues that RST_STREAM and sends it only with the connection's next frame, so the
    /// server sees the watch end once the client sends another request (or closes).
    @Test func cancelledWatchIsResetOnTheServerByTheNextRequest() async throws {
        try await Self.withHTTP2Server { server, client in
            let recorder = Self.watch(client, from: server.resourceVersion)
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            recorder.task.cancel()
            try await recorder.waitForEnd()

            _ = try await client.list(.ingresses, as: TestIngress.self)

            try await server.waitUntil("the server to see the stream reset") { $0.openWatchCount == 0 }
            #expect(server.acceptedConnectionCount == 1)
            #expect(server.requests.map(\.connection) == [1, 1])
        }
    }

    @Test func tooOldVersionGivesTheExpiredErrorEventThenAnEnd() async throws {
        try await Self.withHTTP2Server { server, client in
            try server.put(TestIngress(name: "a"))
            let old = try await client.list(.ingresses, as: TestIngress.self).resourceVersion
            try server.put(TestIngress(name: "b"))
            server.compactHistory()

            let recorder = Self.watch(client, from: old)
            try await recorder.waitForEnd()

            #expect(recorder.error == nil)
            guard case .error(let status)? = recorder.events.first, recorder.events.count == 1 else {
                Issue.record("expected one ERROR event, got \(recorder.events)")
                return
            }
            #expect(status.code == 410 && status.isExpired)
            #expect(server.requests.map(\.httpVersion) == ["HTTP/2", "HTTP/2"])
        }
    }

    /// The server ending a watch (as `timeoutSeconds` does) ends the stream normally, after a
    /// bookmark.
    @Test func serverEndOfAWatchIsANormalEnd() async throws {
        try await Self.withHTTP2Server { server, client in
            let version = server.resourceVersion
            let recorder = Self.watch(client, from: version)
            try await server.waitUntil("the watch to open") { $0.openWatchCount == 1 }
            server.endWatches()
            try await recorder.waitForEnd()
            #expect(recorder.error == nil)
            #expect(recorder.events == [.bookmark(resourceVersion: version)])
        }
    }

    /// Once the first watch has established the connection, further watches are new streams on
    /// it, not new connections.
    @Test func fiveWatchesShareOneConnection() async throws {
        try await Self.withHTTP2Server { server, client in
            let version = server.resourceVersion
            var recorders = [Self.watch(client, .ingresses.namespace("ns0"), from: version)]
            try await server.waitUntil("the first watch to open") { $0.openWatchCount == 1 }
            for index in 1..<5 {
                recorders.append(Self.watch(client, .ingresses.namespace("ns\(index)"), from: version))
            }
            try await server.waitUntil("5 watches to open") { $0.openWatchCount == 5 }

            for index in 0..<5 { try server.put(TestIngress(namespace: "ns\(index)", name: "only-\(index)")) }
            for (index, recorder) in recorders.enumerated() {
                try await recorder.waitForEvents(1)
                #expect(recorder.events.map(KubeAPIClientWatchTests.name) == ["ADDED only-\(index)"])
            }

            let watches = server.requests.filter(\.isWatch)
            #expect(watches.count == 5)
            #expect(watches.allSatisfy { $0.httpVersion == "HTTP/2" && $0.connection == 1 })
            #expect(server.acceptedConnectionCount == 1)
            client.shutdown()
            try await server.waitUntil("the server to see the connection closed") { $0.openWatchCount == 0 }
        }
    }

    /// Watches started together, before any connection exists, each open a connection of their
    /// own: without `CURLOPT_PIPEWAIT` libcurl does not wait to learn that the first connection
    /// multiplexes. A controller starting its reflectors at once pays one connection per watch.
    @Test func watchesStartedTogetherFromColdShareOneConnection() async throws {
        try await Self.withHTTP2Server { server, client in
            let version = server.resourceVersion
            let recorders = (0..<5).map { Self.watch(client, .ingresses.namespace("ns\($0)"), from: version) }
            try await server.waitUntil("5 watches to open") { $0.openWatchCount == 5 }
            #expect(server.requests.allSatisfy { $0.httpVersion == "HTTP/2" })
            #expect(server.acceptedConnectionCount == 1)
            client.shutdown()
            for recorder in recorders { try await recorder.waitForEnd() }
            try await server.waitUntil("the server to see the connections closed") { $0.openWatchCount == 0 }
        }
    }

    /// Over HTTP/2 ``FakeKubeAPIServer/dropWatches()`` resets each watch's stream: the client's
    /// stream ends with a transport error (libcurl's HTTP/2 stream error), as after a dropped
    /// HTTP/1.1 connection, while the connection itself stays and serves the next request.
    @Test func droppedWatchStreamsEndWithATransportError() async throws {
        try await Self.withHTTP2Server { server, client in
            let version = server.resourceVersion
            let first = Self.watch(client, .ingresses.namespace("a"), from: version)
            try await server.waitUntil("the first watch to open") { $0.openWatchCount == 1 }
            let second = Self.watch(client, .ingresses.namespace("b"), from: version)
            try await server.waitUntil("both watches to open") { $0.openWatchCount == 2 }
            try server.put(TestIngress(namespace: "a", name: "x"))
            try await first.waitForEvents(1)

            server.dropWatches()
            try await first.waitForEnd()
            try await second.waitForEnd()

            for recorder in [first, second] {
                guard case .transport? = recorder.error as? KubeAPIError else {
                    Issue.record("expected a transport error, got \(String(describing: recorder.error))")
                    continue
                }
            }
            let list = try await client.list(.ingresses, as: TestIngress.self)
            #expect(list.items.count == 1)
            #expect(server.requests.last?.httpVersion == "HTTP/2")
            #expect(server.acceptedConnectionCount == 1)
        }
    }

    /// A broken connection ends every watch multiplexed on it with a transport error; the next
    /// request opens a new connection.
    @Test func droppedConnectionEndsEveryWatchOnIt() async throws {
        try await Self.withHTTP2Server { server, client in
            let version = server.resourceVersion
            let first = Self.watch(client, .ingresses.namespace("a"), from: version)
            try await server.waitUntil("the first watch to open") { $0.openWatchCount == 1 }
            let second = Self.watch(client, .ingresses.namespace("b"), from: version)
            try await server.waitUntil("both watches to open") { $0.openWatchCount == 2 }

            server.dropWatchConnections()
            try await first.waitForEnd()
            try await second.waitForEnd()

            for recorder in [first, second] {
                guard case .transport? = recorder.error as? KubeAPIError else {
                    Issue.record("expected a transport error, got \(String(describing: recorder.error))")
                    continue
                }
            }
            _ = try await client.list(.ingresses, as: TestIngress.self)
            #expect(server.requests.map(\.connection) == [1, 1, 2])
            #expect(server.acceptedConnectionCount == 2)
        }
    }

    @Test func statusPatchAndEventCreationTravelOverHTTP2() async throws {
        try await Self.withHTTP2Server { server, client in
            try server.put(TestIngress(namespace: "shop", name: "web"))
            struct StatusPatch: Encodable { var status: TestIngress.Status }
            let patch = StatusPatch(status: .init(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.0.2.10")])))
            let patched = try await client.patchStatus(.ingresses.namespace("shop").named("web"), patch, as: TestIngress.self)
            #expect(patched.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "192.0.2.10")])

            let event = Event(
                metadata: ObjectMeta(generateName: "web.", namespace: "shop"),
                involvedObject: InvolvedObject(apiVersion: "networking.k8s.io/v1", kind: "Ingress", namespace: "shop", name: "web", uid: "u-1"),
                reason: "Synced", message: "routes updated", type: "Normal", source: EventSource(component: "sluice"),
                firstTimestamp: "2026-11-22T03:15:23Z", lastTimestamp: "2026-11-22T03:15:23Z", count: 1)
            let created = try await client.create(.events.namespace("shop"), event)
            #expect(created.metadata.name?.hasPrefix("web.") == true)

            let requests = server.requests
            #expect(requests.map(\.method) == ["PATCH", "POST"])
            #expect(requests.map(\.httpVersion) == ["HTTP/2", "HTTP/2"])
            #expect(requests.first?.headers["content-type"] == "application/merge-patch+json")
            #expect(String(decoding: requests.first?.body ?? Data(), as: UTF8.self) == #"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}"#)
            #expect(try server.objects(Event.self, namespace: "shop").map(\.reason) == ["Synced"])
        }
    }
}
