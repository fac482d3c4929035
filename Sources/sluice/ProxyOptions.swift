import ArgumentParser
import Foundation
import Logging
import SluiceIngress
import SluiceProxy
import SluiceRouting

/// Listener and lifecycle flags shared by `serve` and `demo`. Each flag can also be set from the
/// environment as `SLUICE_<FLAG>` (for example `SLUICE_HTTP_PORT`); the flag wins.
struct ProxyOptions: ParsableArguments {
    @Option(help: "Address the proxy and admin listeners bind to.")
    var bindAddress: String = EnvironmentDefault.string("SLUICE_BIND_ADDRESS") ?? "0.0.0.0"

    @Option(help: "Port of the HTTP proxy listener.")
    var httpPort: Int = EnvironmentDefault.int("SLUICE_HTTP_PORT") ?? 8080

    @Option(help: "Port of the HTTPS proxy listener (TLS terminated with the certificates of the Ingresses' spec.tls).")
    var httpsPort: Int = EnvironmentDefault.int("SLUICE_HTTPS_PORT") ?? 8443

    @Option(help: "Port that redirects to HTTPS name: the port clients reach the HTTPS listener on from outside (left out of the URL when 443).")
    var httpsRedirectPort: Int = EnvironmentDefault.int("SLUICE_HTTPS_REDIRECT_PORT") ?? 443

    @Option(help: "Comma-separated CIDRs of proxies in front of Sluice (load balancers): from them X-Forwarded-For names the client (allow lists, X-Real-IP) and X-Forwarded-Proto is kept; from anyone else both are replaced. Default: none.")
    var trustedProxyCidrs: String = EnvironmentDefault.string("SLUICE_TRUSTED_PROXY_CIDRS") ?? ""

    @Flag(help: "Read a PROXY protocol header (v1 or v2) at the start of every connection, as a load balancer sends when told to: the client it names is the one allow lists, X-Forwarded-For and the access log see. Connections without one are closed.")
    var proxyProtocol = EnvironmentDefault.string("SLUICE_PROXY_PROTOCOL") == "true"

    @Option(help: "Largest request body a route without a proxy-body-size annotation accepts (nginx size syntax: 1m, 512k, 8m; 0 for no limit); larger ones get 413.")
    var proxyBodySize: String = EnvironmentDefault.string("SLUICE_PROXY_BODY_SIZE") ?? "1m"

    @Flag(inversion: .prefixedNo, help: "Offer HTTP/2 on the HTTPS listener (ALPN h2): every EventSource of a browser tab on one connection, gRPC end to end.")
    var http2 = EnvironmentDefault.string("SLUICE_HTTP2").map { $0 != "false" } ?? true

    @Flag(help: "Also serve HTTP/2 with prior knowledge (h2c) on the HTTP listener: a connection that starts with HTTP/2's preface speaks HTTP/2, any other HTTP/1.1.")
    var enableH2c = EnvironmentDefault.string("SLUICE_ENABLE_H2C") == "true"

    @Option(help: "Most streams an HTTP/2 client may have open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS).")
    var http2MaxConcurrentStreams: Int = EnvironmentDefault.int("SLUICE_HTTP2_MAX_CONCURRENT_STREAMS") ?? 128

    @Flag(inversion: .prefixedNo, help: "Send Strict-Transport-Security on responses over TLS (never over plain HTTP).")
    var hsts = EnvironmentDefault.string("SLUICE_HSTS").map { $0 != "false" } ?? true

    @Option(help: "HSTS max-age, in seconds.")
    var hstsMaxAge: Int = EnvironmentDefault.int("SLUICE_HSTS_MAX_AGE") ?? 31_536_000

    @Flag(inversion: .prefixedNo, help: "HSTS includeSubDomains.")
    var hstsIncludeSubdomains = EnvironmentDefault.string("SLUICE_HSTS_INCLUDE_SUBDOMAINS").map { $0 != "false" } ?? true

    @Flag(help: "HSTS preload (only once the domain is meant for browsers' preload lists).")
    var hstsPreload = EnvironmentDefault.string("SLUICE_HSTS_PRELOAD") == "true"

    @Option(help: "Comma-separated names of upstream response fields never passed to clients (ingress-nginx's hide-headers), besides Server.")
    var hideHeaders: String = EnvironmentDefault.string("SLUICE_HIDE_HEADERS") ?? ""

    @Flag(help: "Pass the upstream's Server field to clients (by default it is hidden, as nginx hides it: it often names the backend's software and version).")
    var passServerHeader = EnvironmentDefault.string("SLUICE_PASS_SERVER_HEADER") == "true"

    @Option(help: "Most client connections open at once on the HTTP and HTTPS listeners together; more are closed as soon as accepted (counted in sluice_client_connections_refused_total). 0 = no cap but the open-file limit.")
    var maxConnections: Int = EnvironmentDefault.int("SLUICE_MAX_CONNECTIONS") ?? 0

    @Option(help: "Port of the admin listener (/healthz, /readyz, /metrics).")
    var adminPort: Int = EnvironmentDefault.int("SLUICE_ADMIN_PORT") ?? 10254

    @Option(help: "On SIGTERM, how long in-flight requests and streams may run before they are closed.")
    var shutdownGracePeriod: DurationArgument = DurationArgument(
        EnvironmentDefault.duration("SLUICE_SHUTDOWN_GRACE_PERIOD") ?? .seconds(30))

    @Option(help: "Longest a client may take to send a request head (slowloris); then 408.")
    var clientHeaderTimeout = DurationArgument(
        EnvironmentDefault.duration("SLUICE_CLIENT_HEADER_TIMEOUT") ?? ProxyConfiguration.default.clientHeaderTimeout)

    @Option(help: "Longest a client may go without sending any of an unfinished request body; then 408, or a close once the response started.")
    var clientBodyTimeout = DurationArgument(
        EnvironmentDefault.duration("SLUICE_CLIENT_BODY_TIMEOUT") ?? ProxyConfiguration.default.clientBodyTimeout)

    @Option(help: "Longest a client may go without taking any response bytes the proxy holds for it; then both connections close.")
    var clientSendTimeout = DurationArgument(
        EnvironmentDefault.duration("SLUICE_CLIENT_SEND_TIMEOUT") ?? ProxyConfiguration.default.clientSendTimeout)

    @Option(help: "How long an idle keep-alive client connection is kept open between requests.")
    var keepAliveTimeout = DurationArgument(
        EnvironmentDefault.duration("SLUICE_KEEP_ALIVE_TIMEOUT") ?? ProxyConfiguration.default.keepAliveIdleTimeout)

    @Option(help: "On SIGTERM, how long to keep accepting connections (readiness already off) before draining, while load balancers stop sending new ones.")
    var shutdownDelay: DurationArgument = DurationArgument(EnvironmentDefault.duration("SLUICE_SHUTDOWN_DELAY") ?? .zero)

    @Flag(help: "Forward request header fields whose names contain '_' (dropped by default, as ingress-nginx's enable-underscores-in-headers: false).")
    var allowUnderscoresInHeaders = EnvironmentDefault.string("SLUICE_ALLOW_UNDERSCORES_IN_HEADERS") == "true"

    @Flag(help: "Write an access log: one JSON line per request on standard output (logs stay on standard error).")
    var accessLog = EnvironmentDefault.string("SLUICE_ACCESS_LOG") == "true"

    @Option(help: "Longest an access log line waits in its event loop's buffer before it is written (sooner once 32 KiB are buffered).")
    var accessLogFlushInterval = DurationArgument(
        EnvironmentDefault.duration("SLUICE_ACCESS_LOG_FLUSH_INTERVAL") ?? AccessLog.defaultFlushInterval)

    @Option(help: "Event loop threads serving connections; 0 = one per CPU core.")
    var eventLoops: Int = EnvironmentDefault.int("SLUICE_EVENT_LOOPS") ?? 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = EnvironmentDefault.string("SLUICE_LOG_LEVEL") ?? "info"

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// `--trusted-proxy-cidrs` parsed; nil when an element is not an address or CIDR.
    private var trustedProxyRanges: [AddressRange]? {
        try? AddressRange.list(trustedProxyCidrs).get()
    }

    /// `--hide-headers` as names (empty elements left out).
    private var hiddenHeaderNames: [String] {
        hideHeaders.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
    }

    /// The proxy's connection-level settings from these flags (the rest at their defaults).
    var proxyConfiguration: ProxyConfiguration {
        var configuration = ProxyConfiguration.default
        configuration.clientHeaderTimeout = clientHeaderTimeout.duration
        configuration.clientBodyTimeout = clientBodyTimeout.duration
        configuration.clientSendTimeout = clientSendTimeout.duration
        configuration.keepAliveIdleTimeout = keepAliveTimeout.duration
        configuration.forwardsUnderscoredHeaderNames = allowUnderscoresInHeaders
        configuration.httpsRedirectPort = httpsRedirectPort
        configuration.trustedProxies = trustedProxyRanges ?? []
        configuration.proxyProtocol = proxyProtocol
        configuration.maxRequestBodyBytes = (try? BodySizeGrammar.parse(proxyBodySize).get()) ?? configuration.maxRequestBodyBytes
        configuration.http2 = http2
        configuration.h2c = enableH2c
        configuration.http2MaxConcurrentStreams = http2MaxConcurrentStreams
        configuration.strictTransportSecurity =
            hsts
            ? StrictTransportSecurity(maxAgeSeconds: hstsMaxAge, includeSubdomains: hstsIncludeSubdomains, preload: hstsPreload)
            : nil
        configuration.hiddenResponseFields = (passServerHeader ? [] : ["Server"]) + hiddenHeaderNames
        if accessLog { configuration.accessLog = .fileDescriptor(1, flushInterval: accessLogFlushInterval.duration) }
        return configuration
    }

    func validate() throws {
        if let bad = hiddenHeaderNames.first(where: { !HeaderFieldGrammar.isToken($0) }) {
            throw ValidationError("--hide-headers: \"\(bad)\" is not a header field name")
        }
        guard maxConnections >= 0 else {
            throw ValidationError("--max-connections must be 0 (no cap) or more, not \(maxConnections)")
        }
        guard (0...1024).contains(eventLoops) else {
            throw ValidationError("--event-loops must be between 0 (one per CPU core) and 1024, not \(eventLoops)")
        }
        let timeouts = [
            ("--client-header-timeout", clientHeaderTimeout), ("--client-body-timeout", clientBodyTimeout),
            ("--client-send-timeout", clientSendTimeout), ("--keep-alive-timeout", keepAliveTimeout),
            ("--access-log-flush-interval", accessLogFlushInterval),
        ]
        for (flag, value) in timeouts where value.duration <= .zero {
            throw ValidationError("\(flag) must be longer than zero")
        }
        for (flag, port) in [("--http-port", httpPort), ("--https-port", httpsPort), ("--admin-port", adminPort)]
        where !(0...65535).contains(port) {
            throw ValidationError("\(flag) must be between 0 and 65535, not \(port)")
        }
        guard (1...65535).contains(httpsRedirectPort) else {
            throw ValidationError("--https-redirect-port must be between 1 and 65535, not \(httpsRedirectPort)")
        }
        guard (1...1_000_000).contains(http2MaxConcurrentStreams) else {
            throw ValidationError("--http2-max-concurrent-streams must be between 1 and 1000000, not \(http2MaxConcurrentStreams)")
        }
        guard hstsMaxAge >= 0 else { throw ValidationError("--hsts-max-age must not be negative") }
        if case .failure(let failure) = BodySizeGrammar.parse(proxyBodySize) {
            throw ValidationError("--proxy-body-size \"\(proxyBodySize)\": \(failure.problem); accepted: \(BodySizeGrammar.accepted)")
        }
        guard trustedProxyRanges != nil else {
            throw ValidationError("--trusted-proxy-cidrs must be comma-separated IPv4/IPv6 addresses or CIDRs, not \"\(trustedProxyCidrs)\"")
        }
    }
}
