import CCurl

/// `curl_global_init`, run once per process before the first handle is made.
enum CurlGlobal {
    private static let initialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func initialize() {
        _ = initialization
    }
}
