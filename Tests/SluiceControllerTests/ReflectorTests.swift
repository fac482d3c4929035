import KubeClient
import KubeModels
import Logging
import SluiceTestSupport
import Testing

@testable import SluiceController

/// One reflector (Ingresses, all namespaces) against the fake API server, through each scripted
/// fault: the cache must always end equal to the server's state.
@Suite struct ReflectorTests {
    static let collectionPath = "/apis/networking.k8s.io/v1/ingresses"

    private func withReflector(
        _ server: FakeKubeAPIServer, backoff: Backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)),
        _ body: (ObjectCache) async throws -> Void
    ) async throws {
        let cache = ObjectCache(reflectors: ["ingresses"])
        let reflector = Reflector(
            client: ClusterFixtures.client(server), path: .ingresses,
            sink: ReflectorSink(cache: cache, slot: \ClusterObjects.ingresses, reflector: "ingresses"),
            configuration: ReflectorConfiguration(backoff: backoff), logger: Logger(label: "test.reflector"))
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        try await body(cache)
        task.cancel()
        await task.value
    }

    /// Waits until the cache holds exactly the server's Ingresses at the server's versions.
    private func expectCacheMatchesServer(_ cache: ObjectCache, _ server: FakeKubeAPIServer) async {
        let matched = await eventually("cache equals server") {
            let expected = (try? server.objects(Ingress.self)) ?? []
            let cached = await cache.objects.ingresses
            return Self.versions(expected) == Self.versions(Array(cached.values))
        }
        let cached = await cache.objects.ingresses.keys.sorted()
        #expect(matched, "cache \(cached) never matched the server")
    }

    private static func versions(_ ingresses: [Ingress]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ingresses.map { ($0.namespacedName, $0.metadata.resourceVersion ?? "") })
    }

    private func requests(_ server: FakeKubeAPIServer, watch: Bool) -> [FakeKubeRequest] {
        server.requests.filter { $0.path == Self.collectionPath && $0.isWatch == watch }
    }

    private func waitForOpenWatch(_ server: FakeKubeAPIServer) async throws {
        try await server.waitUntil(timeout: .seconds(15), "an open watch") { $0.openWatchCount == 1 }
    }

    @Test func listsThenFollowsAddsChangesAndDeletes() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingress("a"))
            try server.put(ClusterFixtures.ingress("b", namespace: "blog"))
            try await withReflector(server) { cache in
                await expectCacheMatchesServer(cache, server)
                #expect(await cache.hasSynced)
                try await waitForOpenWatch(server)
                try server.put(ClusterFixtures.ingress("c"))
                try server.put(ClusterFixtures.ingress("a", path: "/changed"))
                server.delete(Ingress.self, namespace: "blog", name: "b")
                await expectCacheMatchesServer(cache, server)
                #expect(await cache.objects.ingresses["shop/a"]?.spec?.rules?.first?.http?.paths.first?.path == "/changed")
            }
            let watch = try #require(requests(server, watch: true).first)
            #expect(watch.query["allowWatchBookmarks"] == "true")
            let timeout = try #require(watch.query["timeoutSeconds"].flatMap { Int($0) })
            #expect((300...600).contains(timeout))
            #expect(requests(server, watch: false).count == 1)
        }
    }

    @Test func bookmarksAdvanceTheVersionTheNextWatchStartsFrom() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingress("a"))
            // Changes in other kinds move the revision on without touching Ingresses.
            try server.put(ClusterFixtures.service())
            try await withReflector(server) { cache in
                await expectCacheMatchesServer(cache, server)
                try await waitForOpenWatch(server)
                try server.put(ClusterFixtures.service("other"))
                server.sendBookmarksNow()
                let bookmarked = server.resourceVersion
                server.endWatches()
                try await server.waitUntil("a second watch") { _ in requests(server, watch: true).count == 2 }
                #expect(requests(server, watch: true)[1].query["resourceVersion"] == bookmarked)
                #expect(requests(server, watch: false).count == 1)
            }
        }
    }

    @Test func anHTTP410OnWatchRelists() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingress("a"))
            try await withReflector(server) { cache in
                await expectCacheMatchesServer(cache, server)
                try await waitForOpenWatch(server)
                server.failNext(
                    path: Self.collectionPath,
                    with: .status(code: 410, reason: "Expired", message: "too old resource version: 1 (5)"))
                server.endWatches()
                try await server.waitUntil("a relist") { _ in requests(server, watch: false).count == 2 }
                try server.put(ClusterFixtures.ingress("b"))
                await expectCacheMatchesServer(cache, server)
            }
        }
    }

    @Test func anExpiredErrorEventInsideA200WatchRelists() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingress("a"))
            try await withReflector(server, backoff: Backoff(initial: .milliseconds(300), jitter: 0)) { cache in
                await expectCacheMatchesServer(cache, server)
                try await waitForOpenWatch(server)
                // While the reflector is away, history moves on and is compacted: its version is now too old.
                server.dropWatches()
                try server.put(ClusterFixtures.ingress("b"))
                server.delete(Ingress.self, namespace: ClusterFixtures.namespace, name: "a")
                server.compactHistory()
                try await server.waitUntil("a relist") { _ in requests(server, watch: false).count == 2 }
                await expectCacheMatchesServer(cache, server)
                #expect(await cache.objects.ingresses.keys.sorted() == ["shop/b"])
            }
        }
    }

    @Test func aMalformedLineIsSkippedAndTheWatchGoesOn() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try await withReflector(server) { cache in
                await expectCacheMatchesServer(cache, server)
                try await waitForOpenWatch(server)
                server.sendMalformedLineToWatches()
                server.sendMalformedLineToWatches(#"{"type":"ADDED","object":{"metadata":42}}"#)
                try server.put(ClusterFixtures.ingress("after-garbage"))
                await expectCacheMatchesServer(cache, server)
                #expect(requests(server, watch: true).count == 1)
                #expect(requests(server, watch: false).count == 1)
            }
        }
    }

    @Test func aDroppedConnectionResumesFromTheLastVersionWithoutRelisting() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingress("a"))
            try await withReflector(server) { cache in
                await expectCacheMatchesServer(cache, server)
                try await waitForOpenWatch(server)
                try server.put(ClusterFixtures.ingress("b"))
                await expectCacheMatchesServer(cache, server)
                let lastSeen = server.resourceVersion
                server.dropWatches()
                try await server.waitUntil("a second watch") { _ in requests(server, watch: true).count == 2 }
                #expect(requests(server, watch: true)[1].query["resourceVersion"] == lastSeen)
                try server.put(ClusterFixtures.ingress("c"))
                await expectCacheMatchesServer(cache, server)
                #expect(requests(server, watch: false).count == 1)
            }
        }
    }

    @Test(arguments: [
        FakeKubeFault.forbidden, .tooManyRequests(retryAfterSeconds: 0), .internalError,
    ])
    func failingListsAndWatchesRecover(fault: FakeKubeFault) async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(ClusterFixtures.ingress("a"))
            server.failNext(3, path: Self.collectionPath, with: fault)
            try await withReflector(server) { cache in
                await expectCacheMatchesServer(cache, server)
                #expect(requests(server, watch: false).count == 4)
                try await waitForOpenWatch(server)
                server.failNext(2, path: Self.collectionPath, with: fault)
                server.endWatches()
                try server.put(ClusterFixtures.ingress("b"))
                try await server.waitUntil("watch open again") { _ in requests(server, watch: true).count >= 4 }
                try server.put(ClusterFixtures.ingress("c"))
                await expectCacheMatchesServer(cache, server)
            }
        }
    }

    @Test func tlsSecretsOnlyThroughTheFieldSelector() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try server.put(Secret(metadata: ObjectMeta(name: "cert", namespace: "shop"), type: Secret.tlsType, data: [:]))
            try server.put(Secret(metadata: ObjectMeta(name: "password", namespace: "shop"), type: "Opaque", data: [:]))
            let cache = ObjectCache(reflectors: ["secrets"])
            let reflector = Reflector(
                client: ClusterFixtures.client(server), path: KubeResourcePath.secrets.namespace("shop"),
                fieldSelector: "type=kubernetes.io/tls",
                sink: ReflectorSink(cache: cache, slot: \ClusterObjects.secrets, reflector: "secrets"),
                logger: Logger(label: "test.reflector"))
            let task = Task { await reflector.run() }
            defer { task.cancel() }
            try await server.waitUntil("an open watch") { $0.openWatchCount == 1 }
            try server.put(Secret(metadata: ObjectMeta(name: "other", namespace: "shop"), type: "Opaque", data: [:]))
            try server.put(Secret(metadata: ObjectMeta(name: "cert2", namespace: "shop"), type: Secret.tlsType, data: [:]))
            #expect(await eventually("both TLS secrets") { await cache.objects.secrets.count == 2 })
            #expect(await cache.objects.secrets.keys.sorted() == ["shop/cert", "shop/cert2"])
            #expect(server.requests.allSatisfy { $0.path == "/api/v1/namespaces/shop/secrets" })
            task.cancel()
            await task.value
        }
    }
}
