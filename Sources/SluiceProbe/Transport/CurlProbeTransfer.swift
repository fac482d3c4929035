import CCurl
import Foundation

/// One probe request through libcurl, run to its end on the calling thread: each piece of the
/// body is timed as libcurl hands it over and framed into events at once, so nothing but the
/// events' times is kept. libcurl gives HTTP/1.1 and HTTP/2 (ALPN or prior knowledge), TLS with
/// `--cacert`/`--insecure`, decoding of a compressed body (the probe asks for compression as a
/// browser does, so a path that compresses streams shows it), and the connect and TLS times.
///
/// A private multi handle drives the one transfer, so the probe itself decides when to stop: at
/// `--max-time`, or after `--timeout` of silence, to the millisecond.
final class CurlProbeTransfer {
    private let request: ProbeRequest
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastActivity: ContinuousClock.Instant
    private var framer = EventStreamFramer()
    private var events: [ReceivedEvent] = []
    private var bodyBytes = 0
    private var headers: [ProbeHeaderField] = []
    private var firstByte: Duration?
    private var slists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(request: ProbeRequest) {
        self.request = request
        start = clock.now
        lastActivity = start
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        for list in slists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Sends the request and receives the response until it ends or a limit cuts it.
    func run() -> Result<ProbeRecording, ProbeConnectionError> {
        // curl_easy_init initialises libcurl itself when nothing has (thread-safe: libcurl ≥ 7.84
        // built with the `threadsafe` feature, as Debian's is).
        guard let easy = curl_easy_init() else { return .failure(ProbeConnectionError("curl_easy_init failed")) }
        defer { curl_easy_cleanup(easy) }
        let configured = configure(easy)
        guard configured == CURLE_OK else { return .failure(ProbeConnectionError(message(configured, easy: easy))) }
        guard let multi = curl_multi_init() else { return .failure(ProbeConnectionError("curl_multi_init failed")) }
        defer { curl_multi_cleanup(multi) }
        curl_multi_add_handle(multi, easy)
        defer { curl_multi_remove_handle(multi, easy) }

        var done: CURLcode?
        var cut: ProbeEnd?
        while done == nil, cut == nil {
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                if message.pointee.msg == CURLMSG_DONE { done = message.pointee.data.result }
            }
            if done != nil { break }
            let now = clock.now
            let untilEnd = request.limits.total - (now - start)
            let untilIdle = request.limits.idle - (now - lastActivity)
            if untilEnd <= .zero {
                cut = .maxTime
            } else if untilIdle <= .zero {
                cut = .idleTimeout
            } else {
                let wait = min(untilEnd, untilIdle, .seconds(1))
                curl_multi_poll(multi, nil, 0, Int32(max(1, Self.milliseconds(wait))), nil)
            }
        }
        let total = clock.now - start

        guard firstByte != nil else {
            if let done, done != CURLE_OK { return .failure(ProbeConnectionError(message(done, easy: easy))) }
            switch cut {
            case .maxTime: return .failure(ProbeConnectionError("no response within --max-time \(DurationText.short(request.limits.total))"))
            case .idleTimeout: return .failure(ProbeConnectionError("no response within --timeout \(DurationText.short(request.limits.idle))"))
            default: return .failure(ProbeConnectionError("the server closed the connection without a response"))
            }
        }
        let end: ProbeEnd = cut ?? (done == CURLE_OK ? .complete : .broken(message(done ?? CURLE_OK, easy: easy)))
        return .success(ProbeRecording(
            response: ProbeResponseHead(status: Self.long(easy, CURLINFO_RESPONSE_CODE), httpVersion: Self.httpVersion(easy), headers: headers),
            timings: ProbeTimings(
                connected: Self.time(easy, CURLINFO_CONNECT_TIME_T), tlsDone: Self.time(easy, CURLINFO_APPCONNECT_TIME_T),
                firstByte: firstByte, total: total),
            events: events, bodyBytes: bodyBytes, incompleteEventBytes: framer.pendingBytes, end: end,
            remoteAddress: Self.string(easy, CURLINFO_PRIMARY_IP), redirects: Self.long(easy, CURLINFO_REDIRECT_COUNT)))
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = clock.now
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect or a 1xx): only the last one is probed.
            headers = []
            firstByte = lastActivity - start
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(ProbeHeaderField(
                String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        lastActivity = clock.now
        bodyBytes += bytes.count
        events += framer.consume(bytes, at: lastActivity - start)
    }

    private func configure(_ easy: UnsafeMutableRawPointer) -> CURLcode {
        var codes: [CURLcode] = []
        func long(_ option: CURLoption, _ value: Int) { codes.append(sluice_curl_setopt_long(easy, option, value)) }
        func string(_ option: CURLoption, _ value: String?) { codes.append(sluice_curl_setopt_string(easy, option, value)) }
        func list(_ option: CURLoption, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            var head: UnsafeMutablePointer<curl_slist>?
            for line in lines { head = curl_slist_append(head, line) }
            if let head { slists.append(head) }
            codes.append(sluice_curl_setopt_slist(easy, option, head))
        }

        codes.append(sluice_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        string(CURLOPT_URL, request.url)
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.limits.connect))
        switch request.httpVersion {
        case .automatic: long(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        case .http1_1: long(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        case .http2:
            let h2: Int = request.url.lowercased().hasPrefix("https:") ? Int(CURL_HTTP_VERSION_2TLS) : Int(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE)
            long(CURLOPT_HTTP_VERSION, h2)
        }
        if request.followRedirects {
            long(CURLOPT_FOLLOWLOCATION, 1)
            long(CURLOPT_MAXREDIRS, 10)
        }
        // Every coding libcurl decodes, as a browser's EventSource asks; a custom
        // Accept-Encoding header replaces the offer.
        string(CURLOPT_ACCEPT_ENCODING, "")
        if let body = request.body {
            codes.append(sluice_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                string(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                codes.append(body.withUnsafeBytes { sluice_curl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
            }
        }
        let named = Set(request.headers.compactMap { $0.split(separator: ":").first?.lowercased() })
        list(CURLOPT_HTTPHEADER, (named.contains("accept") ? [] : ["Accept: text/event-stream"]) + request.headers + ["Expect:"])
        list(CURLOPT_RESOLVE, request.resolve)
        if let caFile = request.tls.caFile {
            // Trust only the given CAs, not also the system's.
            string(CURLOPT_CAPATH, nil)
            string(CURLOPT_CAINFO, caFile)
        }
        if request.tls.insecure {
            long(CURLOPT_SSL_VERIFYPEER, 0)
            long(CURLOPT_SSL_VERIFYHOST, 0)
        }

        let me = Unmanaged.passUnretained(self).toOpaque()
        codes.append(sluice_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, me))
        codes.append(sluice_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, me))
        codes.append(sluice_curl_setopt_write(easy) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlProbeTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        codes.append(sluice_curl_setopt_header(easy) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlProbeTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        return codes.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    /// libcurl's message for `code`, with the system's reason (`Connection refused`) when it has one.
    private func message(_ code: CURLcode, easy: UnsafeMutableRawPointer) -> String {
        let detail = String(cString: errorBuffer)
        var text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let osError = Self.long(easy, CURLINFO_OS_ERRNO)
        if osError != 0 { text += " (\(String(cString: strerror(Int32(osError)))))" }
        return text
    }

    private static func long(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO) -> Int {
        var value = 0
        _ = sluice_curl_getinfo_long(easy, info, &value)
        return value
    }

    /// A `*_TIME_T` value, nil when the step did not happen (libcurl reports 0).
    private static func time(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO) -> Duration? {
        var microseconds: curl_off_t = 0
        guard sluice_curl_getinfo_off(easy, info, &microseconds) == CURLE_OK, microseconds > 0 else { return nil }
        return .microseconds(microseconds)
    }

    private static func string(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO) -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        guard sluice_curl_getinfo_string(easy, info, &pointer) == CURLE_OK, let pointer else { return nil }
        let text = String(cString: pointer)
        return text.isEmpty ? nil : text
    }

    private static func httpVersion(_ easy: UnsafeMutableRawPointer) -> String {
        switch long(easy, CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_1_0): "1.0"
        case Int(CURL_HTTP_VERSION_2_0): "2"
        case Int(CURL_HTTP_VERSION_3): "3"
        default: "1.1"
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

@available(*, unavailable)
extension CurlProbeTransfer: Sendable {}
