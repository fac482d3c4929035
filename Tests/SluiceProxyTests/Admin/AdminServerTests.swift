import SluiceTestSupport
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SluiceProxy
import SluiceRouting
import Testing

@Suite struct AdminServerTests {
    /// Runs `body` against a live admin server on an ephemeral loopback port, then shuts it down.
    static func withAdminServer<T: Sendable>(
        readiness: ReadinessState = ReadinessState(),
        routingTables: RoutingTableStore = RoutingTableStore(),
        metricsSources: [@Sendable () -> String] = [],
        _ body: @escaping @Sendable (AdminServer, Int) async throws -> T
    ) async throws -> T {
        let server = AdminServer(
            host: "127.0.0.1",
            port: 0,
            readiness: readiness,
            routingTables: routingTables,
            metricsSources: metricsSources,
            logger: Logger(label: "test.admin")
        )
        let group = ServiceGroup(services: [server], logger: Logger(label: "test.group"))
        let run = Task { try await group.run() }
        do {
            let result = try await withTimeout { try await body(server, try await server.port) }
            await group.triggerGracefulShutdown()
            try await withTimeout { try await run.value }
            return result
        } catch {
            run.cancel()
            throw error
        }
    }

    /// One `Connection: close` request; returns the status code and body.
    static func get(_ path: String, port: Int, method: String = "GET") async throws -> (status: Int, headers: String, body: String) {
        let raw = try await LoopbackClient.exchange(
            port: port, "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        let parts = raw.components(separatedBy: "\r\n\r\n")
        let headers = parts[0]
        let status = Int(headers.split(separator: " ")[1]) ?? 0
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func table(routes: Int) -> RoutingTable {
        RoutingTable(routes: (0..<routes).map { index in
            Route(
                host: .any,
                path: .prefix("/r\(index)"),
                backend: Backend(name: "default/svc:80", endpoints: []),
                source: "default/ingress"
            )
        })
    }

    @Test func healthzIsAlwaysOK() async throws {
        let response = try await Self.withAdminServer { _, port in try await Self.get("/healthz", port: port) }
        #expect(response.status == 200)
        #expect(response.body == "ok\n")
    }

    @Test func readyzFollowsReadinessAndSaysWhy() async throws {
        let readiness = ReadinessState()
        let (waiting, notListening, ready, draining) = try await Self.withAdminServer(readiness: readiness) { _, port in
            let waiting = try await Self.get("/readyz", port: port)
            readiness.markRoutingTableLoaded()
            let notListening = try await Self.get("/readyz", port: port)
            readiness.markListening()
            let ready = try await Self.get("/readyz", port: port)
            readiness.markNotReady()
            let draining = try await Self.get("/readyz", port: port)
            return (waiting, notListening, ready, draining)
        }
        #expect(waiting.status == 503)
        #expect(waiting.body.contains("no routing table"))
        #expect(notListening.status == 503)
        #expect(notListening.body.contains("not listening"))
        #expect(ready.status == 200)
        #expect(draining.status == 503)
        #expect(draining.body.contains("shutting down"))
    }

    @Test func metricsExposeTheRoutingTableAndAppendedSources() async throws {
        let store = RoutingTableStore()
        store.publish(Self.table(routes: 3))
        let response = try await Self.withAdminServer(
            routingTables: store,
            metricsSources: [{ "# TYPE sluice_test_total counter\nsluice_test_total 7\n" }]
        ) { server, port in
            server.addMetricsSource { "sluice_added 1\n" }
            return try await Self.get("/metrics", port: port)
        }
        #expect(response.status == 200)
        #expect(response.headers.contains("text/plain; version=0.0.4"))
        let lines = response.body.split(separator: "\n").map(String.init)
        #expect(lines.contains("sluice_routing_table_generation 1"))
        #expect(lines.contains("sluice_routes 3"))
        #expect(lines.contains("# TYPE sluice_routes gauge"))
        #expect(lines.contains("sluice_ready 0"))
        #expect(lines.contains("sluice_test_total 7"))
        #expect(lines.last == "sluice_added 1")
    }

    @Test func unknownPathsAre404AndOtherMethodsAre405() async throws {
        let (missing, post, head) = try await Self.withAdminServer { _, port in
            (
                try await Self.get("/nope", port: port),
                try await Self.get("/healthz", port: port, method: "POST"),
                try await Self.get("/healthz", port: port, method: "HEAD")
            )
        }
        #expect(missing.status == 404)
        #expect(post.status == 405)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func servesSeveralRequestsOnOneKeepAliveConnection() async throws {
        let raw = try await Self.withAdminServer { _, port in
            try await LoopbackClient.with(port: port) { client in
                try await client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
                let first = try await client.read(until: "ok\n")
                try await client.send("GET /readyz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                return first + (try await client.readToEnd())
            }
        }
        #expect(raw.components(separatedBy: "HTTP/1.1 200 OK").count == 2)
        #expect(raw.contains("HTTP/1.1 503 Service Unavailable"))
    }
}
