import NIOHTTP1
import SluiceRouting

/// The largest request body a route accepts (`proxy-body-size`, nginx's `client_max_body_size`).
///
/// A body declared larger (`Content-Length`) is refused from the head, `413` before any upstream
/// is asked. One without a length (chunked, HTTP/2 DATA) is counted as it arrives
/// (`ProxiedExchange.admitsRequestBody`): past the limit the exchange ends, with `413` if its
/// response has not started, cut otherwise; the upstream never gets the rest.
enum RequestBodyLimit {
    /// The limit in force for `route`: its own, or the proxy's; nil: none (`0`).
    static func bytes(route: RoutePolicy, configuration: ProxyConfiguration) -> Int64? {
        let limit = route.maxRequestBodyBytes ?? configuration.maxRequestBodyBytes
        return limit == 0 ? nil : limit
    }

    /// Whether `head` declares a body larger than `limit`. An unparsable length is the head
    /// validator's to reject, not this check's.
    static func declaredLengthExceeds(_ limit: Int64?, head: HTTPRequestHead) -> Bool {
        guard let limit, let length = head.headers.first(name: "content-length") else { return false }
        guard let declared = Int64(length.trimmingSpaces()) else { return false }
        return declared > limit
    }

    /// Whether a body of `received` bytes so far stays within `limit`.
    static func admits(_ received: Int64, limit: Int64?) -> Bool {
        limit.map { received <= $0 } ?? true
    }
}
