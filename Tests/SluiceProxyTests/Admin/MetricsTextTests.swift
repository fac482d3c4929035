import NIOConcurrencyHelpers
import NIOPosix
import SluiceRouting
import Testing

@testable import SluiceProxy

/// The exact `/metrics` text of each source, so that a change of emitter cannot change a byte.
@Suite struct MetricsTextTests {
    @Test func routingGauges() {
        var history = PublishHistory()
        history.lastSwapUnixNanoseconds = 1_700_000_000_500_000_000
        history.translated(in: .microseconds(300))
        history.translated(in: .seconds(2))
        #expect(
            RoutingGauges.text(
                generation: 7, routes: 3, ready: true, history: history,
                certificates: [
                    Self.certificate("web/tls", notAfter: 1_800_000_000),
                    Self.certificate("shop/shop-tls", notAfter: 1_760_000_000),
                ]) == """
                # HELP sluice_routing_table_generation Generation of the routing table in force.
                # TYPE sluice_routing_table_generation gauge
                sluice_routing_table_generation 7
                # HELP sluice_routes Routes in the routing table in force.
                # TYPE sluice_routes gauge
                sluice_routes 3
                # HELP sluice_routing_table_last_swap_timestamp_seconds Unix time the routing table in force was swapped in; 0 before the first swap.
                # TYPE sluice_routing_table_last_swap_timestamp_seconds gauge
                sluice_routing_table_last_swap_timestamp_seconds 1700000000.5
                # HELP sluice_translation_duration_seconds Time translation took to make each published routing table (equal tables, not swapped in, included).
                # TYPE sluice_translation_duration_seconds histogram
                sluice_translation_duration_seconds_bucket{le="0.0001"} 0
                sluice_translation_duration_seconds_bucket{le="0.00025"} 0
                sluice_translation_duration_seconds_bucket{le="0.0005"} 1
                sluice_translation_duration_seconds_bucket{le="0.001"} 1
                sluice_translation_duration_seconds_bucket{le="0.0025"} 1
                sluice_translation_duration_seconds_bucket{le="0.005"} 1
                sluice_translation_duration_seconds_bucket{le="0.01"} 1
                sluice_translation_duration_seconds_bucket{le="0.025"} 1
                sluice_translation_duration_seconds_bucket{le="0.05"} 1
                sluice_translation_duration_seconds_bucket{le="0.1"} 1
                sluice_translation_duration_seconds_bucket{le="0.25"} 1
                sluice_translation_duration_seconds_bucket{le="0.5"} 1
                sluice_translation_duration_seconds_bucket{le="1"} 1
                sluice_translation_duration_seconds_bucket{le="2.5"} 2
                sluice_translation_duration_seconds_bucket{le="5"} 2
                sluice_translation_duration_seconds_bucket{le="10"} 2
                sluice_translation_duration_seconds_bucket{le="30"} 2
                sluice_translation_duration_seconds_bucket{le="+Inf"} 2
                sluice_translation_duration_seconds_sum 2.0003
                sluice_translation_duration_seconds_count 2
                # HELP sluice_tls_certificate_expiry_timestamp_seconds Unix time the leaf certificate of each kubernetes.io/tls Secret the routing table in force serves expires (its notAfter), by the Secret's namespace and name.
                # TYPE sluice_tls_certificate_expiry_timestamp_seconds gauge
                sluice_tls_certificate_expiry_timestamp_seconds{namespace="shop",secret="shop-tls"} 1760000000
                sluice_tls_certificate_expiry_timestamp_seconds{namespace="web",secret="tls"} 1800000000
                # HELP sluice_ready 1 when this instance reports ready, else 0.
                # TYPE sluice_ready gauge
                sluice_ready 1

                """)
        let idle = RoutingGauges.text(generation: 0, routes: 0, ready: false)
        #expect(idle.hasSuffix("\nsluice_ready 0\n"))
        #expect(idle.contains("\nsluice_routing_table_last_swap_timestamp_seconds 0\n"))
        #expect(idle.contains("\nsluice_translation_duration_seconds_count 0\n"))
    }

    static func certificate(_ source: String, notAfter: Int64) -> ServingCertificate {
        ServingCertificate(chainPEM: "", privateKeyPEM: "", source: source, fingerprint: source, notAfter: notAfter)
    }

    /// `/metrics` exports the certificates of the table in force, and forgets them with it.
    @Test func certificateExpiryFollowsTheTableInForce() {
        let store = RoutingTableStore()
        let endpoints = AdminEndpoints(
            readiness: ReadinessState(), routingTables: store, metricsSources: NIOLockedValueBox([]))
        let line = #"sluice_tls_certificate_expiry_timestamp_seconds{namespace="shop",secret="shop-tls"} 1760000000"#
        store.publish(
            RoutingTable(
                routes: AdminServerTests.table(routes: 1).routes,
                certificates: CertificateTable(hosts: ["shop.example.com": Self.certificate("shop/shop-tls", notAfter: 1_760_000_000)])))
        #expect(endpoints.respond(method: .GET, uri: "/metrics").body.contains("\n\(line)\n"))
        store.publish(AdminServerTests.table(routes: 1))
        #expect(!endpoints.respond(method: .GET, uri: "/metrics").body.contains("sluice_tls_certificate_expiry_timestamp_seconds{"))
    }

    /// The store counts every translation it is given and stamps only real swaps.
    @Test func theStoreRecordsSwapsAndTranslations() {
        let store = RoutingTableStore()
        #expect(store.publishHistory.lastSwapUnixNanoseconds == nil)
        let table = AdminServerTests.table(routes: 1)
        store.publish(table, translationDuration: .milliseconds(3))
        let swapped = store.publishHistory.lastSwapUnixNanoseconds
        #expect(swapped != nil)
        store.publish(table, translationDuration: .milliseconds(30))
        #expect(store.publishHistory.lastSwapUnixNanoseconds == swapped)
        #expect(store.publishHistory.translations.count == 2)
        #expect(store.publishHistory.translations.sumNanoseconds == 33_000_000)
    }

    @Test func proxyCounters() {
        let metrics = ProxyMetrics()
        let first = metrics.makeShard()
        let second = metrics.makeShard()
        first.requestReceived()
        second.requestReceived()
        second.http2RequestReceived(secure: true)
        second.http2ConnectionOpened()
        first.upstreamConnectionOpened()
        first.upstreamReadPaused()
        first.upstreamFailed(.connectTimeout)
        second.upstreamFailed(.connectTimeout)
        second.upstreamFailed(.readTimeout)
        second.upstreamFailed(.status(502))
        second.observeClientBuffered(4096)
        first.clientConnectionOpened()
        for _ in 0..<3 { second.clientConnectionOpened() }
        LoopRequestMetrics(registry: second.requestSeries)
            .cell(for: RouteMetricsKey(source: "default/test", backend: "default/app:80"), generation: 0)
            .series(for: RequestSeriesLabels(method: .get, status: .success, proto: .h2))
            .observe(nanoseconds: 1_500_000)
        #expect(
            metrics.prometheusText() == """
                # HELP sluice_requests_total Requests answered, by route (Ingress and Service), method, status class and client protocol.
                # TYPE sluice_requests_total counter
                sluice_requests_total{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2"} 1
                # HELP sluice_request_duration_seconds Time from a request's head to the end of its response (a stream's whole life), by route, method, status class and client protocol.
                # TYPE sluice_request_duration_seconds histogram
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.001"} 0
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.005"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.01"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.025"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.05"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.1"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.25"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="0.5"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="1"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="2.5"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="5"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="10"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="30"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="60"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="300"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="900"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="3600"} 1
                sluice_request_duration_seconds_bucket{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2",le="+Inf"} 1
                sluice_request_duration_seconds_sum{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2"} 0.0015
                sluice_request_duration_seconds_count{namespace="default",ingress="test",service="app",method="GET",status="2xx",protocol="h2"} 1
                # HELP sluice_received_bytes_total Bytes received from clients, by route: request bodies forwarded whole, and what tunnels carried from clients.
                # TYPE sluice_received_bytes_total counter
                # HELP sluice_sent_bytes_total Bytes sent to clients, by route: responses with their heads, and what tunnels carried to clients.
                # TYPE sluice_sent_bytes_total counter
                # HELP sluice_upstream_first_byte_seconds Time from a request sent to the upstream to the first byte of its response, by route.
                # TYPE sluice_upstream_first_byte_seconds histogram
                # HELP sluice_stream_first_event_seconds Time from an event stream's request head to its first body bytes handed to the client socket (time to first token), by route; each stream once.
                # TYPE sluice_stream_first_event_seconds histogram
                # HELP sluice_stream_flush_delay_seconds Sluice's own delay per event: time from reading a chunk of an event stream from the upstream to handing it to the client socket, one observation per upstream read (not sampled), by route.
                # TYPE sluice_stream_flush_delay_seconds histogram
                # HELP sluice_streams_active Streams open now, by route and kind (sse, websocket).
                # TYPE sluice_streams_active gauge
                # HELP sluice_stream_duration_seconds Time from a stream's request head to its end, by route and kind.
                # TYPE sluice_stream_duration_seconds histogram
                # HELP sluice_streams_ended_total Streams ended, by route, kind and reason (upstream_end, client_gone, client_stalled, idle_timeout, max_duration, shutdown, error).
                # TYPE sluice_streams_ended_total counter
                # HELP sluice_upstream_connections_opened_total TCP connections opened to upstream endpoints.
                # TYPE sluice_upstream_connections_opened_total counter
                sluice_upstream_connections_opened_total 1
                # HELP sluice_upstream_connections_reused_total Requests sent on a kept-alive upstream connection.
                # TYPE sluice_upstream_connections_reused_total counter
                sluice_upstream_connections_reused_total 0
                # HELP sluice_upstream_retries_total Attempts repeated on another endpoint (proxy-next-upstream) or after a dead pooled connection.
                # TYPE sluice_upstream_retries_total counter
                sluice_upstream_retries_total 0
                # HELP sluice_upstream_failures_total Upstream attempts that failed before a response head, retried or not, by kind: connect (refused, unreachable, TLS), connect_timeout, closed_before_response (closed or not HTTP), read_timeout.
                # TYPE sluice_upstream_failures_total counter
                sluice_upstream_failures_total{kind="connect"} 0
                sluice_upstream_failures_total{kind="connect_timeout"} 2
                sluice_upstream_failures_total{kind="closed_before_response"} 0
                sluice_upstream_failures_total{kind="read_timeout"} 1
                # HELP sluice_upstream_reads_paused_total Times reading an upstream stopped because its client was not writable.
                # TYPE sluice_upstream_reads_paused_total counter
                sluice_upstream_reads_paused_total 1
                # HELP sluice_client_reads_paused_total Times reading a client stopped because its upstream was not writable.
                # TYPE sluice_client_reads_paused_total counter
                sluice_client_reads_paused_total 0
                # HELP sluice_client_buffered_bytes_max High-water mark of bytes queued toward one client.
                # TYPE sluice_client_buffered_bytes_max gauge
                sluice_client_buffered_bytes_max 4096
                # HELP sluice_upstream_buffered_bytes_max High-water mark of bytes queued toward one upstream.
                # TYPE sluice_upstream_buffered_bytes_max gauge
                sluice_upstream_buffered_bytes_max 0
                # HELP sluice_tunnels_opened_total Upgraded connections turned into byte tunnels.
                # TYPE sluice_tunnels_opened_total counter
                sluice_tunnels_opened_total 0
                # HELP sluice_event_streams_relayed_total Event streams whose chunked body was relayed as the upstream framed it.
                # TYPE sluice_event_streams_relayed_total counter
                sluice_event_streams_relayed_total 0
                # HELP sluice_client_connections Client connections open now (HTTP/2 connections and tunnels included), per event loop.
                # TYPE sluice_client_connections gauge
                sluice_client_connections{event_loop="0"} 1
                sluice_client_connections{event_loop="1"} 4
                # HELP sluice_http2_connections HTTP/2 client connections open now.
                # TYPE sluice_http2_connections gauge
                sluice_http2_connections 1

                """)
    }

    @Test func perLoopConnectionsBeforeAnyLoopServedKeepTheirHeader() {
        #expect(
            ProxyMetrics().prometheusText().contains(
                """
                # HELP sluice_client_connections Client connections open now (HTTP/2 connections and tunnels included), per event loop.
                # TYPE sluice_client_connections gauge
                # HELP sluice_http2_connections HTTP/2 client connections open now.

                """))
    }

    @Test func listenerGauge() {
        let service = ProxyService(
            configuration: ProxyServiceConfiguration(), group: MultiThreadedEventLoopGroup.singleton,
            readiness: ReadinessState(), childChannelInitializer: { _ in })
        #expect(
            service.metricsText() == """
                # HELP sluice_open_connections Client connections currently open on the proxy listeners.
                # TYPE sluice_open_connections gauge
                sluice_open_connections 0
                # HELP sluice_client_connections_refused_total Client connections closed as soon as accepted because --max-connections were open.
                # TYPE sluice_client_connections_refused_total counter
                sluice_client_connections_refused_total 0

                """)
    }
}
