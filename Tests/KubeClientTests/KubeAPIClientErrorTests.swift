import Foundation
import KubeClient
import SluiceTestSupport
import Testing

@Suite struct KubeAPIClientErrorTests {
    private static let path = "/apis/networking.k8s.io/v1/ingresses"

    private func listError(_ client: KubeAPIClient) async -> KubeAPIError? {
        do {
            _ = try await client.list(.ingresses, as: TestIngress.self)
            return nil
        } catch {
            return error as? KubeAPIError
        }
    }

    @Test func wrongTokenIsUnauthorized() async throws {
        try await FakeKubeAPIServer.withServer { server in
            guard case .unauthorized? = await listError(makeClient(server, token: "wrong")) else {
                Issue.record("expected unauthorized")
                return
            }
            guard case .unauthorized? = await listError(makeClient(server, token: nil)) else {
                Issue.record("expected unauthorized without a token")
                return
            }
            #expect(server.requests.first?.headers["authorization"] == "Bearer wrong")
        }
    }

    @Test func forbiddenNamesVerbAndResource() async throws {
        try await FakeKubeAPIServer.withServer { server in
            server.failNext(path: Self.path, with: .forbidden)
            guard case .forbidden(let verb, let resource, let message)? = await listError(makeClient(server)) else {
                Issue.record("expected forbidden")
                return
            }
            #expect(verb == "list")
            #expect(resource == "ingresses.networking.k8s.io")
            #expect(message.contains("cannot list"))
        }
    }

    @Test func tooManyRequestsCarriesRetryAfter() async throws {
        try await FakeKubeAPIServer.withServer { server in
            server.failNext(path: Self.path, with: .tooManyRequests(retryAfterSeconds: 7))
            #expect(await listError(makeClient(server)) == .tooManyRequests(retryAfter: .seconds(7)))
        }
    }

    @Test func serverErrorCarriesTheStatus() async throws {
        try await FakeKubeAPIServer.withServer { server in
            server.failNext(2, path: Self.path, with: .internalError)
            let client = makeClient(server)
            guard case .server(let status)? = await listError(client) else {
                Issue.record("expected a server error")
                return
            }
            #expect(status.code == 500 && status.reason == "InternalError")
            #expect(await listError(client) != nil)
            #expect(await listError(client) == nil)
        }
    }

    @Test func connectionRefusedIsATransportError() async throws {
        // Port 1: nothing listens there. (A fake server's port, freed by shutting it down, was
        // once taken by another test's listener before this request connected.)
        let client = KubeAPIClient(config: KubeConfig(server: "http://127.0.0.1:1"))
        guard case .transport(let code, let message)? = await listError(client) else {
            Issue.record("expected a transport error")
            return
        }
        #expect(code == 7)  // CURLE_COULDNT_CONNECT
        #expect(!message.isEmpty)
    }

    @Test func cancellingARequestThrowsCancellation() async throws {
        try await FakeKubeAPIServer.withServer { server in
            // A watch never completes by itself, so `get` on a watch URL would hang: use a list
            // of a path whose request we cancel immediately instead.
            let client = makeClient(server)
            let task = Task { try await client.list(.ingresses, as: TestIngress.self) }
            task.cancel()
            let result = await task.result
            if case .failure(let error) = result {
                #expect(error is CancellationError)
            }
        }
    }
}
