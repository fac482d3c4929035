import SluiceRouting
import SluiceTestSupport
import Testing

@testable import SluiceProxy

/// Retries on another endpoint (`proxy-next-upstream`) over real sockets: a status the route
/// names is retried and one it does not name reaches the client; a `POST` goes again only with
/// `non_idempotent` (and its body with it); a stream that broke after its first event is never
/// replayed; `proxy-next-upstream-tries` bounds the attempts. A fresh proxy's first request goes
/// to the first endpoint (round-robin turns start there), and each retry to the next.
@Suite("Proxy retries")
struct ProxyRetryTests {
    private static let badGateway = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad"

    private static func retrying(_ conditions: RetryPolicy.Conditions, tries: Int = 3) -> RoutePolicy {
        var policy = RoutePolicy()
        policy.retry = RetryPolicy(conditions: conditions, tries: tries)
        return policy
    }

    @Test(arguments: [true, false])
    func a502OnAGetIsRetriedOnlyWhenThePolicyNamesIt(retries502: Bool) async throws {
        let policy = Self.retrying(retries502 ? [.error, .timeout, .http502] : [.error, .timeout])
        try await withUpstream(.script([Self.badGateway])) { failing in
            try await withUpstream(.echo) { healthy in
                try await withProxy(table(endpoints: [.local(failing), .local(healthy)], policy: policy)) { proxy in
                    let client = try await proxy.connect()
                    try await client.send(get("/first"))
                    let response = try await client.readResponse()
                    #expect(response.status == (retries502 ? 200 : 502))
                    if retries502 { #expect(response.bodyText.hasPrefix("GET /first HTTP/1.1")) }
                    #expect(failing.acceptedConnections == 1)
                    #expect(healthy.acceptedConnections == (retries502 ? 1 : 0))
                    #expect(proxy.metrics.upstreamRetries == (retries502 ? 1 : 0))
                }
            }
        }
    }

    /// A `POST` whose body reached an upstream that answered `502`: sent again, body and all,
    /// only under `non_idempotent`.
    @Test(arguments: [true, false])
    func aPostWithABodyIsRetriedOnlyWithNonIdempotent(nonIdempotent: Bool) async throws {
        let policy = Self.retrying(nonIdempotent ? [.error, .http502, .nonIdempotent] : [.error, .http502])
        try await withUpstream(.answerAtHead(Self.badGateway)) { failing in
            try await withUpstream(.echo) { healthy in
                try await withProxy(table(endpoints: [.local(failing), .local(healthy)], policy: policy)) { proxy in
                    let client = try await proxy.connect()
                    try await client.send(request("POST", "/orders", body: "order=42"))
                    let response = try await client.readResponse()
                    #expect(response.status == (nonIdempotent ? 200 : 502))
                    if nonIdempotent {
                        #expect(response.bodyText.hasPrefix("POST /orders HTTP/1.1"))
                        #expect(response.bodyText.hasSuffix("\n\norder=42"))
                    }
                    #expect(failing.acceptedConnections == 1)
                    #expect(healthy.acceptedConnections == (nonIdempotent ? 1 : 0))
                }
            }
        }
    }

    /// An event stream whose upstream reset after the first event: the client has that event and
    /// then a closed connection; no other endpoint is asked, whatever the policy retries.
    @Test func aStreamThatBrokeAfterItsFirstEventIsNeverRetried() async throws {
        let permits = UpstreamPermits()
        let stream = [
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "f\r\ndata: event 0\n\n\r\n",
        ]
        let policy = Self.retrying([.error, .timeout, .invalidHeader, .http502, .nonIdempotent], tries: 0)
        try await withUpstream(.scriptThenReset(stream, permits: permits)) { breaking in
            try await withUpstream(.echo) { healthy in
                try await withProxy(table(endpoints: [.local(breaking), .local(healthy)], policy: policy)) { proxy in
                    let client = try await proxy.connect()
                    try await client.send(get("/events", extra: ["Accept: text/event-stream"]))
                    try await client.waitForText("data: event 0\n\n")
                    permits.open()
                    try await client.waitForClose()
                    #expect(client.receivedText.hasPrefix("HTTP/1.1 200 OK\r\n"))
                    #expect(client.receivedText.ranges(of: "HTTP/1.1 ").count == 1)
                    #expect(breaking.acceptedConnections == 1)
                    #expect(healthy.acceptedConnections == 0)
                    #expect(proxy.metrics.upstreamRetries == 0)
                }
            }
        }
    }

    /// Three endpoints answering `502` before a healthy one: two tries stop at the second (the
    /// client gets its `502`); no limit (`0`) goes on to the healthy one, each endpoint once.
    @Test(arguments: [2, 0])
    func triesBoundTheAttempts(tries: Int) async throws {
        let policy = Self.retrying([.error, .http502], tries: tries)
        try await withUpstream(.script([Self.badGateway])) { first in
            try await withUpstream(.script([Self.badGateway])) { second in
                try await withUpstream(.script([Self.badGateway])) { third in
                    try await withUpstream(.echo) { healthy in
                        let endpoints: [Endpoint] = [.local(first), .local(second), .local(third), .local(healthy)]
                        try await withProxy(table(endpoints: endpoints, policy: policy)) { proxy in
                            let client = try await proxy.connect()
                            try await client.send(get("/"))
                            let response = try await client.readResponse()
                            let hits = [first, second, third, healthy].map(\.acceptedConnections)
                            if tries == 2 {
                                #expect(response.status == 502)
                                #expect(hits == [1, 1, 0, 0])
                            } else {
                                #expect(response.status == 200)
                                #expect(hits == [1, 1, 1, 1])
                            }
                        }
                    }
                }
            }
        }
    }
}
