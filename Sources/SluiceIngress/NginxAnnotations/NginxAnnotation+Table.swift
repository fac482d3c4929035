extension NginxAnnotation {
    /// Every annotation ingress-nginx documents or reads (its `docs/user-guide/nginx-configuration/
    /// annotations.md` and `internal/ingress/annotations`, March 2026), and the few it used to
    /// read (v1.0–v1.11) that migrated Ingresses may still carry. A name under the prefix that is
    /// not here is reported as unknown (most likely a typo).
    ///
    /// What guards access: whatever makes ingress-nginx refuse a request it would otherwise serve,
    /// for who sends it. Every `auth-*` annotation (each exists only to configure authentication:
    /// a half-migrated auth setup is refused rather than guessed safe), the source-range allow and
    /// deny lists, `satisfy`, ModSecurity, and the per-client request limits (`limit-rps`,
    /// `limit-rpm`, `limit-connections`: they stop brute force and scraping, not only overload).
    /// Not: settings that only loosen a guard (`limit-burst-multiplier`, `limit-allowlist`),
    /// bandwidth (`limit-rate`), TLS to backends, redirects, and `proxy-body-size` (ingress-nginx
    /// limits bodies with or without it, so the annotation is not what protects a route).
    public static let table: [NginxAnnotation] = routing + timeoutsAndBuffers + access + traffic + tls + observability
        + snippets

    /// Paths, rewrites, redirects, errors, headers.
    private static let routing: [NginxAnnotation] = [
        supported("app-root", "a request for exactly `/` gets `302` to this path (also `sluice.io/app-root`)"),
        supported("rewrite-target", "the path the backend gets, with `$1`…`$9` from the path's regular expression; implies `use-regex` (also `sluice.io/rewrite-target`)"),
        supported("use-regex", "every path of the Ingress's hosts is a case-insensitive regular expression anchored at its start, run on an automaton (also `sluice.io/use-regex`)"),
        supported("x-forwarded-prefix", "sent to the backend as `X-Forwarded-Prefix` (also `sluice.io/x-forwarded-prefix`)"),
        supported("upstream-vhost", "the `Host` the backend gets; `X-Forwarded-Host` keeps the client's (also `sluice.io/upstream-vhost`)"),
        unsupported("server-alias", "list every host in the Ingress's rules instead"),
        supported("default-backend", "a Service of the Ingress's namespace (its one port) that answers when the route's backend has no ready endpoints, and makes the `custom-http-errors` pages (also `sluice.io/default-backend`)"),
        supported("custom-http-errors", "codes 400–599 whose responses are replaced by the `default-backend`'s (else `--default-backend-service`'s) answer to a request with `X-Code`, `X-Format`, `X-Original-URI`, … as ingress-nginx sends; never once a response byte reached the client (also `sluice.io/custom-http-errors`)"),
        partly("disable-proxy-intercept-errors", only: trueValues, "Sluice never replaces a backend's error response"),
        unsupported("custom-headers", "names a ConfigMap, which Sluice does not read: list the fields in `sluice.io/response-headers` instead"),
        unsupported("connection-proxy-header", "Sluice manages the `Connection` field to backends itself"),
        supported("permanent-redirect", "every request of the routes gets `301` (or `permanent-redirect-code`) to this URL; `$request_uri`, `$uri`, `$args`, `$is_args`, `$host`, `$http_host`, `$scheme` are resolved, other variables refused (also `sluice.io/permanent-redirect`)"),
        supported("permanent-redirect-code", "300–308 (default 301; also `sluice.io/permanent-redirect-code`)"),
        supported("temporal-redirect", "as `permanent-redirect` with `302` (or `temporal-redirect-code`), and wins over it (also `sluice.io/temporal-redirect`)"),
        supported("temporal-redirect-code", "300–308 (default 302; also `sluice.io/temporal-redirect-code`)"),
        supported("from-to-www-redirect", "requests for `www.` + a rule's host (or the host without `www.`) get `308` to the rule's host, unless another Ingress serves that name (also `sluice.io/from-to-www-redirect`)"),
        partly("use-port-in-redirects", only: falseValues, "redirects to HTTPS name `--https-redirect-port`, not the listener's"),
        partly("relative-redirects", only: falseValues, "redirects to HTTPS are absolute"),
        unsupported("proxy-redirect-from", "`Location` fields are passed on unchanged"),
        unsupported("proxy-redirect-to", "`Location` fields are passed on unchanged"),
        unsupported("proxy-cookie-domain", "`Set-Cookie` fields are passed on unchanged"),
        unsupported("proxy-cookie-path", "`Set-Cookie` fields are passed on unchanged"),
        unsupported("fastcgi-index", "FastCGI backends are not supported"),
        unsupported("fastcgi-params-configmap", "FastCGI backends are not supported"),
    ]

    /// Timeouts, retries, buffering, body sizes, the protocol to backends.
    private static let timeoutsAndBuffers: [NginxAnnotation] = [
        supported("proxy-connect-timeout", "whole seconds, as `sluice.io/proxy-connect-timeout` (which wins)"),
        supported("proxy-read-timeout",
                  "whole seconds, as `sluice.io/proxy-read-timeout` (which wins); also the idle timeout of streams"),
        supported("proxy-send-timeout", "whole seconds, as `sluice.io/proxy-send-timeout` (which wins)"),
        partly("proxy-buffering",
               "`on`/`off` for ordinary responses, buffered in memory up to a bound (never on disk); event streams are never buffered"),
        partly("proxy-request-buffering", only: ["off"], "request bodies always stream to the backend as they arrive"),
        unsupported("proxy-buffer-size", "buffers are sized by Sluice"),
        unsupported("proxy-buffers-number", "buffers are sized by Sluice"),
        unsupported("proxy-busy-buffers-size", "buffers are sized by Sluice"),
        unsupported("proxy-max-temp-file-size", "nothing is buffered on disk"),
        unsupported("client-body-buffer-size", "request bodies are streamed, not buffered"),
        supported("proxy-body-size",
                  "as `sluice.io/proxy-body-size` (which wins): `413` beyond it; without either, `--proxy-body-size` (1m)"),
        supported("proxy-next-upstream",
                  "as `sluice.io/proxy-next-upstream` (which wins): `error timeout` (default), `invalid_header`, `http_500`, `http_502`, `http_503`, `http_504`, `http_403`, `http_404`, `http_429`, `non_idempotent`, `off`; never once a response byte reached the client, nor for a body over 64 KiB (see *Retries and error pages*)"),
        supported("proxy-next-upstream-timeout", "whole seconds, 0 (default) no limit (also `sluice.io/proxy-next-upstream-timeout`)"),
        supported("proxy-next-upstream-tries", "attempts in all, 3 by default, 0 every endpoint once; each endpoint is tried at most once (also `sluice.io/proxy-next-upstream-tries`)"),
        partly("proxy-http-version", only: ["1.1"], "backends are spoken to in HTTP/1.1"),
        partly("backend-protocol",
               "as `sluice.io/backend-protocol` (which wins): `HTTP`, `HTTPS` (TLS to the pod, see `proxy-ssl-*`), `H2C`, `GRPC`, `GRPCS` (HTTP/2 to the pod); `AUTO_HTTP` is served as `HTTP`, `FCGI` fails closed (503)"),
        partly("service-upstream", only: falseValues, "requests go to the Service's endpoints, not its cluster IP"),
    ]

    /// Authentication, client certificates, allow and deny lists, limits, WAF.
    private static let access: [NginxAnnotation] = [
        supported("auth-url", guards: .always, "`http://` or `https://` (the certificate verified against the system's trust roots, unlike ingress-nginx, which does not verify: an unverified service could be impersonated into allowing anyone); each request is checked before it goes upstream, a stream once at its start: `2xx` forwards, `401`/`403` answer the client, anything else, a timeout or an unreachable service `500`; connections kept alive in the upstream pool, bounded by the route's connect timeout and its read timeout (at most 5 s)"),
        supported("auth-method", guards: .always, "the subrequest's method (`GET` by default); it never carries the request body"),
        partly("auth-signin", guards: .always, "a `401` becomes a `302` to it, with `rd` the original URL unless the URL names it; variables: `$host`, `$http_host`, `$scheme`, `$request_uri`, `$escaped_request_uri`"),
        supported("auth-signin-redirect-param", guards: .always, "the parameter naming the original URL on `auth-signin`"),
        supported("auth-response-headers", guards: .always, "copied from the auth service's `2xx` onto the upstream request, replacing the client's"),
        supported("auth-request-redirect", guards: .always, "the subrequest's `X-Auth-Request-Redirect` (the request's URI by default)"),
        partly("auth-cache-key", guards: .always, "allows (never denials) kept per event loop, keyed by `$http_<name>`, `$cookie_<name>`, `$arg_<name>`, `$remote_addr`, `$host`, `$request_uri`; another variable: a Warning and no cache"),
        partly("auth-cache-duration", guards: .always, "`200 202 10m`: only `2xx` statuses are cached (`200 202 5m` by default)"),
        partly("auth-keepalive", guards: .always, "`0`: a new connection per check; any other count: kept alive, as many idle as the upstream pool keeps per endpoint and event loop (64), not this number. Unlike ingress-nginx (default `0`), connections are kept alive without it"),
        supported("auth-keepalive-requests", guards: .always, "checks one connection carries before it closes (1000 by default)"),
        partly("auth-keepalive-share-vars", guards: .always, "accepted without effect: Sluice's check shares no variables with the request"),
        supported("auth-keepalive-timeout", guards: .always, "whole seconds a connection may idle between checks and still be reused (60 by default)"),
        unsupported("auth-proxy-set-headers", guards: .always, "names a ConfigMap, which Sluice does not read; fails closed, since the fields it sends can carry the rule the auth service enforces (a required group)"),
        supported("auth-always-set-cookie", guards: .always, "the auth service's `Set-Cookie`s reach the client on every response, denials and errors included; without it, an allow's reach successes and redirects only (as ingress-nginx's `add_header`)"),
        unsupported("auth-snippet", guards: .always, "never: Sluice renders no configuration text"),
        partly("enable-global-auth", only: falseValues, guards: .always, "Sluice has no global external authentication"),
        partly("auth-type", guards: .always, "`basic` only (`digest` fails closed); htpasswd hashes bcrypt, `$apr1$`, `{SHA}`, `$5$`, `$6$` (crypt DES and plain text fail closed), checked off the event loop, a stream once at its start; the `Authorization` field goes upstream"),
        supported("auth-secret", guards: .always, "`name` or `namespace/name` in the Ingress's own namespace (as ingress-nginx without `allow-cross-namespace-resources`); a Secret missing, elsewhere or with a bad line fails closed"),
        supported("auth-secret-type", guards: .always, "`auth-file` (the key `auth` holds an htpasswd file; default) or `auth-map` (each key a user, its value the hash)"),
        supported("auth-realm", guards: .always, "the realm of `WWW-Authenticate: Basic realm=\"...\"` (empty by default)"),
        partly("auth-tls-secret", guards: .always,
               "as `sluice.io/auth-tls-secret` (which wins): its `ca.crt` (a Secret of any type in the Ingress's namespace) is the CA client certificates must chain to; the handshakes of the Ingress's hosts ask for a certificate, each request is judged by `auth-tls-verify-client`; a Secret with a `ca.crl` fails closed (revocation lists are not supported); a request whose `Host` needs a certificate on a connection whose server name (SNI) did not ask for it against the same CA gets `421`"),
        supported("auth-tls-verify-client", guards: .always,
                  "`on` (default; `400` without a valid certificate), `optional`, `optional_no_ca`, `off` (also `sluice.io/auth-tls-verify-client`)"),
        supported("auth-tls-verify-depth", guards: .always, "1 by default (also `sluice.io/auth-tls-verify-depth`)"),
        supported("auth-tls-error-page", guards: .always, "a refused request is redirected there (`302`) instead of answered `400` (also `sluice.io/auth-tls-error-page`)"),
        supported("auth-tls-pass-certificate-to-upstream", guards: .always,
                  "the certificate goes upstream in `ssl-client-cert`, URL-escaped PEM (also `sluice.io/auth-tls-pass-certificate-to-upstream`); `ssl-client-verify`, `ssl-client-subject-dn` and `ssl-client-issuer-dn` always do, and what the client sent of them is dropped"),
        unsupported("auth-tls-match-cn", guards: .always, "the subject's CN is not matched"),
        supported("allowlist-source-range", guards: .always, sourceRangeHow("only these addresses may reach the routes", "allowlist")),
        supported("whitelist-source-range", guards: .always, sourceRangeHow("the older name of `allowlist-source-range`", "allowlist")),
        supported("denylist-source-range", guards: .always, sourceRangeHow("these addresses get `403`, before the allow list is asked", "denylist")),
        partly("satisfy", only: ["all"], guards: .always,
               "`all` (ingress-nginx's default) combines the access checks Sluice does; `any` cannot be honoured"),
        supported("limit-connections", guards: .always,
                  "requests in flight per client address and Ingress, counted per replica; `503` with `Retry-After` beyond it (also `sluice.io/limit-connections`); a bad value fails the routes closed"),
        supported("limit-rps", guards: .always,
                  "requests per second per client address and Ingress, counted per replica; `503` with `Retry-After` beyond it, burst of rate × multiplier (also `sluice.io/limit-rps`); a bad value fails the routes closed"),
        supported("limit-rpm", guards: .always,
                  "requests per minute per client address and Ingress, counted per replica; `503` with `Retry-After` beyond it, burst of rate × multiplier (also `sluice.io/limit-rpm`); a bad value fails the routes closed"),
        supported("limit-burst-multiplier", "5 by default, as ingress-nginx (also `sluice.io/limit-burst-multiplier`); a bad value fails the routes closed"),
        supported("limit-allowlist", "CIDRs no `limit-*` applies to (also `sluice.io/limit-allowlist`)"),
        supported("limit-whitelist", "the older name of `limit-allowlist`"),
        unsupported("limit-rate", "response bandwidth is not limited"),
        unsupported("limit-rate-after", "response bandwidth is not limited"),
        unsupported("global-rate-limit", guards: .always, "no longer in ingress-nginx; requests are not limited"),
        unsupported("global-rate-limit-window", "no longer in ingress-nginx"),
        unsupported("global-rate-limit-key", "no longer in ingress-nginx"),
        unsupported("global-rate-limit-ignored-cidrs", "no longer in ingress-nginx; only loosens a limit"),
        partly("enable-modsecurity", only: falseValues, guards: .always, "Sluice has no web application firewall"),
        partly("enable-owasp-core-rules", only: falseValues, guards: .always, "Sluice has no web application firewall"),
        unsupported("modsecurity-snippet", guards: .always, "never: Sluice renders no configuration text"),
        unsupported("modsecurity-transaction-id", "Sluice has no web application firewall"),
    ]

    /// Balancing, affinity, canaries, mirroring.
    private static let traffic: [NginxAnnotation] = [
        supported("load-balance",
                  "as `sluice.io/load-balance` (which wins): `round_robin` (default), `ewma`, and Sluice's `least_streams` (fewest requests and open streams in flight, the default with `sse-paths`)"),
        partly("upstream-hash-by",
               "as `sluice.io/upstream-hash-by` (which wins): consistent (rendezvous) hashing of `$http_<name>`, `$cookie_<name>`, `$arg_<name>`, `$remote_addr`, `$host`, `$request_uri` and text between them; another variable: a Warning and the route's usual balancing"),
        partly("upstream-hash-by-subset", only: falseValues, "a key reaches one endpoint, not a subset"),
        unsupported("upstream-hash-by-subset-size", "a key reaches one endpoint, not a subset"),
        supported("affinity", "as `sluice.io/affinity` (which wins): `cookie`, sticky sessions (see *Sticky sessions*)"),
        supported("affinity-mode", "`balanced` (default: the cookie is hashed over the current endpoints) or `persistent` (the cookie names its endpoint)"),
        unsupported("affinity-canary-behavior", "not read: the canary rule decides a request whatever its session cookie"),
        supported("session-cookie-name", "the sticky cookie's name, `INGRESSCOOKIE` by default"),
        supported("session-cookie-path", "the sticky cookie's `Path`, the route's path by default"),
        unsupported("session-cookie-domain", "the sticky cookie has no `Domain`: it goes back to the host that set it"),
        supported("session-cookie-expires", "the sticky cookie's `Expires`, seconds from the response"),
        supported("session-cookie-max-age", "the sticky cookie's `Max-Age`, seconds"),
        supported("session-cookie-samesite", "the sticky cookie's `SameSite`: `None`, `Lax` or `Strict`"),
        unsupported("session-cookie-conditional-samesite-none", "`SameSite=None` is sent to every browser"),
        supported("session-cookie-secure", "the sticky cookie's `Secure`; by default set over HTTPS only"),
        supported("session-cookie-change-on-failure", "a failed attempt on the sticky endpoint moves the session to the endpoint the request is retried on (see `proxy-next-upstream`)"),
        supported("canary", "`\"true\"`: the Ingress takes some requests of the route another Ingress serves for the same host and path (header, then cookie, then weight); never a route of its own, and one without a main route is a Warning (also `sluice.io/canary`)"),
        supported("canary-by-header", "`always` / `never` in this field send a request to the canary / the main backend (also `sluice.io/canary-by-header`)"),
        supported("canary-by-header-value", "this value in `canary-by-header`'s field sends the request to the canary (also `sluice.io/canary-by-header-value`)"),
        unsupported("canary-by-header-pattern", "no regular expressions: reported, and the header is read as without it"),
        supported("canary-by-cookie", "`always` / `never` in this cookie send a request to the canary / the main backend (also `sluice.io/canary-by-cookie`)"),
        supported("canary-weight", "the share of the other requests the canary takes (also `sluice.io/canary-weight`)"),
        supported("canary-weight-total", "what `canary-weight` is out of (default 100; also `sluice.io/canary-weight-total`)"),
        unsupported("mirror-target", "requests are not mirrored"),
        unsupported("mirror-host", "requests are not mirrored"),
        unsupported("mirror-request-body", "requests are not mirrored"),
        supported("enable-cors", "as `sluice.io/enable-cors` (which wins): preflights are answered by Sluice (204), responses and event streams get the CORS fields"),
        supported("cors-allow-origin", "as `sluice.io/cors-allow-origin`: `*`, origins and `*.` one-label wildcards; with `*` credentials are never allowed; a bad list allows no origin"),
        supported("cors-allow-methods", "as `sluice.io/cors-allow-methods`"),
        supported("cors-allow-headers", "as `sluice.io/cors-allow-headers`"),
        supported("cors-expose-headers", "as `sluice.io/cors-expose-headers`"),
        supported("cors-allow-credentials", "as `sluice.io/cors-allow-credentials`; sent only to a listed origin, never with `*`"),
        supported("cors-max-age", "as `sluice.io/cors-max-age`"),
        partly("http2-push-preload", only: falseValues, "no HTTP/2 server push"),
    ]

    /// TLS toward clients and backends.
    private static let tls: [NginxAnnotation] = [
        supported(
            "ssl-redirect",
            "plain HTTP to a host with a certificate of its own gets `308` to HTTPS (default true; also `sluice.io/ssl-redirect`)"),
        supported(
            "force-ssl-redirect",
            "`308` to HTTPS for hosts without a certificate too (also `sluice.io/force-ssl-redirect`); judged by the connection, or a `--trusted-proxy-cidrs` proxy's `X-Forwarded-Proto`"),
        partly("preserve-trailing-slash", only: trueValues, "redirects to HTTPS keep the path exactly as sent"),
        partly("ssl-passthrough", only: falseValues, "TLS connections are not passed through"),
        unsupported("ssl-ciphers", "one cipher list for every host: Mozilla's \"intermediate\""),
        unsupported("ssl-prefer-server-ciphers", "the cipher list is not set per Ingress"),
        partly("proxy-ssl-secret",
               "as `sluice.io/proxy-ssl-secret` (which wins): its `ca.crt` is trusted; the Secret must be in the Ingress's namespace; a client certificate (`tls.crt`/`tls.key`) is not presented to the backend"),
        unsupported("proxy-ssl-ciphers", "BoringSSL's default cipher suites are offered"),
        supported("proxy-ssl-name",
                  "as `sluice.io/proxy-ssl-name` (which wins); default `<service>.<namespace>.svc`, not nginx's `$proxy_host`"),
        unsupported("proxy-ssl-protocols", "TLS 1.2 and 1.3 are offered (nginx's default)"),
        supported("proxy-ssl-verify",
                  "as `sluice.io/proxy-ssl-verify` (which wins); `on` without a usable `proxy-ssl-secret` trusts the system's roots, a bad Secret fails closed"),
        unsupported("proxy-ssl-verify-depth", "chains of any length up to a trusted certificate are accepted"),
        partly("proxy-ssl-server-name", only: ["on"], "SNI is always sent (the name of `proxy-ssl-name`, never an IP address)"),
    ]

    /// Logs, tracing, metrics.
    private static let observability: [NginxAnnotation] = [
        unsupported("enable-access-log", "the access log is on or off for the whole proxy (`--access-log`)"),
        partly("enable-rewrite-log", only: falseValues, "nothing is rewritten"),
        partly("enable-opentelemetry", only: falseValues, "no tracing"),
        unsupported("opentelemetry-trust-incoming-span", "no tracing"),
        unsupported("opentelemetry-operation-name", "no tracing"),
        unsupported("opentelemetry-trust-incoming-spans", "no longer in ingress-nginx; no tracing"),
        partly("enable-opentracing", only: falseValues, "no longer in ingress-nginx; no tracing"),
        unsupported("opentracing-trust-incoming-span", "no longer in ingress-nginx; no tracing"),
        partly("enable-influxdb", only: falseValues, "no longer in ingress-nginx"),
        unsupported("influxdb-measurement", "no longer in ingress-nginx"),
        unsupported("influxdb-port", "no longer in ingress-nginx"),
        unsupported("influxdb-host", "no longer in ingress-nginx"),
        unsupported("influxdb-server-name", "no longer in ingress-nginx"),
    ]

    /// nginx configuration text: never applied. `auth-snippet` and `modsecurity-snippet` are
    /// with the access annotations.
    private static let snippets: [NginxAnnotation] = [
        unsupported("configuration-snippet", guards: .unlessHarmlessSnippet, "never: Sluice renders no configuration text"),
        unsupported("server-snippet", guards: .unlessHarmlessSnippet, "never: Sluice renders no configuration text"),
        unsupported("stream-snippet", guards: .unlessHarmlessSnippet, "never: Sluice renders no configuration text"),
    ]

    /// The spellings of false and true ingress-nginx accepts (Go's `strconv.ParseBool`), lower-cased.
    static let falseValues = ["false", "f", "0"]
    /// The row text of the source-range lists.
    static func sourceRangeHow(_ what: String, _ sluiceName: String) -> String {
        "\(what) (IPv4 and IPv6 addresses and CIDRs, judged on the client's address, behind `--trusted-proxy-cidrs` the one `X-Forwarded-For` names; also `sluice.io/\(sluiceName)-source-range`); a bad value fails the routes closed"
    }
    static let trueValues = ["true", "t", "1"]

    private static func supported(_ name: String, guards: AccessGuard = .never, _ how: String) -> NginxAnnotation {
        NginxAnnotation(name: name, support: .supported, accessGuard: guards, acceptedValues: [], how: how)
    }

    private static func partly(
        _ name: String, only values: [String] = [], guards: AccessGuard = .never, _ how: String
    ) -> NginxAnnotation {
        NginxAnnotation(name: name, support: .partly, accessGuard: guards, acceptedValues: values, how: how)
    }

    private static func unsupported(_ name: String, guards: AccessGuard = .never, _ how: String) -> NginxAnnotation {
        NginxAnnotation(name: name, support: .unsupported, accessGuard: guards, acceptedValues: [], how: how)
    }
}
