import Foundation
import KubeClient
import KubeModels
import SluiceTestSupport
import Testing

@Suite struct KubeAPIClientListTests {
    private static func seed(_ server: FakeKubeAPIServer, count: Int) throws {
        for index in 0..<count {
            try server.put(TestIngress(namespace: "ns\(index % 3)", name: String(format: "ing-%04d", index)))
        }
    }

    @Test func followsContinueTokensAcrossPages() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, count: 1200)
            let client = makeClient(server)
            let list = try await client.list(.ingresses, as: TestIngress.self, limit: 500)

            #expect(list.items.count == 1200)
            #expect(Set(list.items.map(\.namespacedName)).count == 1200)
            #expect(list.resourceVersion == server.resourceVersion)
            #expect(list.items.allSatisfy { $0.kind == nil && $0.apiVersion == nil })
            let pages = server.requests.filter { $0.path == "/apis/networking.k8s.io/v1/ingresses" }
            #expect(pages.count == 3)
            #expect(pages.map { $0.query["limit"] } == ["500", "500", "500"])
            #expect(pages[0].query["continue"] == nil)
            #expect(pages[1].query["continue"] != nil && pages[2].query["continue"] != nil)
        }
    }

    @Test func restartsWhenAContinueTokenExpires() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, count: 1200)
            server.expireNextContinueTokens(1)
            let list = try await makeClient(server).list(.ingresses, as: TestIngress.self, limit: 500)

            #expect(list.items.count == 1200)
            #expect(Set(list.items.map(\.namespacedName)).count == 1200)
            // page 1, page 2 (410), then page 1, 2, 3 again.
            let continues = server.requests.map { $0.query["continue"] != nil }
            #expect(continues == [false, true, false, true, true])
        }
    }

    @Test func listsOneNamespaceWithSelectors() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, count: 9)
            var other = TestIngress(namespace: "ns1", name: "other")
            other.metadata.labels = ["app": "api"]
            try server.put(other)
            let client = makeClient(server)

            let inNamespace = try await client.list(.ingresses.namespace("ns1"), as: TestIngress.self)
            #expect(inNamespace.items.count == 4)
            let labelled = try await client.list(.ingresses, as: TestIngress.self, labelSelector: "app=api")
            #expect(labelled.items.map(\.metadata.name) == ["other"])
            let named = try await client.list(.ingresses, as: TestIngress.self, fieldSelector: "metadata.name=ing-0004")
            #expect(named.items.map(\.namespacedName) == ["ns1/ing-0004"])
        }
    }

    @Test func listsOnlyTLSSecretsWithAFieldSelector() async throws {
        try await FakeKubeAPIServer.withServer { server in
            server.put(.object(["metadata": .object(["name": .string("tls"), "namespace": .string("a")]), "type": .string("kubernetes.io/tls")]), in: .secrets)
            server.put(.object(["metadata": .object(["name": .string("opaque"), "namespace": .string("a")]), "type": .string("Opaque")]), in: .secrets)
            struct NamedObject: Decodable, Sendable { var metadata: ObjectMeta }
            let list = try await makeClient(server).list(.secrets, as: NamedObject.self, fieldSelector: "type=kubernetes.io/tls")
            #expect(list.items.map(\.metadata.name) == ["tls"])
            #expect(server.requests.last?.path == "/api/v1/secrets")
            #expect(server.requests.last?.query["fieldSelector"] == "type=kubernetes.io/tls")
        }
    }

    /// Not an assertion: prints how long LISTing 1,000 Ingress-shaped objects takes.
    @Test func measureListOf1000Ingresses() async throws {
        try await FakeKubeAPIServer.withServer { server in
            try Self.seed(server, count: 1000)
            let client = makeClient(server)
            var timings: [String] = []
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let list = try await client.list(.ingresses, as: TestIngress.self, limit: 500)
                timings.append("\(ContinuousClock.now - started)")
                #expect(list.items.count == 1000)
            }
            print("[measure] LIST 1,000 Ingress-like objects (2 pages of 500) from the fake server: \(timings.joined(separator: ", "))")
        }
    }
}

@Suite struct KubeAPIClientLenientListTests {
    @Test func anUndecodableItemIsSkippedAndReportedNotFatal() async throws {
        try await FakeKubeAPIServer.withServer { server in
            for index in 0..<5 { try server.put(TestIngress(name: "good-\(index)")) }
            server.put(
                .object([
                    "metadata": .object(["name": .string("broken"), "namespace": .string("default")]),
                    "spec": .object(["rules": .string("not a list")]),
                ]), in: .ingresses)

            let list = try await makeClient(server).list(.ingresses, as: TestIngress.self, limit: 2)

            #expect(list.items.compactMap(\.metadata.name).sorted() == (0..<5).map { "good-\($0)" })
            #expect(list.resourceVersion == server.resourceVersion)
            let skipped = try #require(list.skippedItems.first)
            #expect(list.skippedItems.count == 1)
            #expect(skipped.namespace == "default" && skipped.name == "broken")
            #expect(skipped.error.hasPrefix("spec.rules: "), "\(skipped.error)")
        }
    }
}
