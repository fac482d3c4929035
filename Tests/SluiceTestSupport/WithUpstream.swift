import NIOPosix
import SluiceDemo

/// Starts an ``UpstreamServer`` with `behaviour` (over TLS with `tls`), runs `body` with it, and
/// shuts it down (listener and every connection closed) before returning or rethrowing; see
/// ``withTeardown(isolation:_:teardown:)``.
@discardableResult
public func withUpstream<T>(
    _ behaviour: UpstreamBehaviour,
    tls: TestCertificate? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (UpstreamServer) async throws -> T
) async throws -> T {
    let upstream = try await UpstreamServer.start(behaviour, tls: tls)
    return try await withTeardown {
        try await body(upstream)
    } teardown: {
        try await upstream.shutDown()
    }
}

/// Starts a ``DemoUpstreamServer`` on 127.0.0.1 and an ephemeral port, runs `body` with it, and
/// stops it (listener and every connection closed) before returning or rethrowing.
@discardableResult
public func withDemoUpstream<T>(
    tokenInterval: Duration = .milliseconds(40),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (DemoUpstreamServer) async throws -> T
) async throws -> T {
    let upstream = try await DemoUpstreamServer.start(tokenInterval: tokenInterval)
    return try await withTeardown {
        try await body(upstream)
    } teardown: {
        try await upstream.stop()
    }
}
