/// Whether an nginx snippet could have refused requests, judged without understanding it.
///
/// A snippet is never applied. Whether ignoring it opens a route depends on what it held:
/// `more_set_headers` cannot refuse anyone, `deny all;`, `auth_request`, `if (...) { return 403; }`
/// or a `location` block can. Only a snippet made entirely of directives that cannot refuse a
/// request counts as harmless; anything else (an unknown directive, a block, a comment, a quoted
/// `;` that splits a statement) counts as guarding access, so the doubt falls on the safe side.
enum SnippetDirectives {
    /// Directives that only set headers, timeouts, buffering or compression.
    static let harmless: Set<Substring> = [
        "add_header", "add_trailer", "more_set_headers", "more_clear_headers", "more_set_input_headers",
        "more_clear_input_headers", "proxy_set_header", "proxy_hide_header", "proxy_pass_header",
        "proxy_buffering", "proxy_request_buffering", "proxy_read_timeout", "proxy_send_timeout",
        "proxy_connect_timeout", "proxy_http_version", "chunked_transfer_encoding", "gzip", "gzip_types",
        "gzip_proxied", "gzip_min_length", "expires", "etag", "charset", "default_type",
    ]

    /// True when every statement of `snippet` starts with a `harmless` directive.
    static func cannotRefuse(_ snippet: String) -> Bool {
        let statements = snippet.split(whereSeparator: { $0 == ";" || $0 == "{" || $0 == "}" })
        for statement in statements {
            let words = statement.split(whereSeparator: \.isWhitespace)
            guard let directive = words.first else { continue }
            if !harmless.contains(directive) { return false }
        }
        return true
    }
}
