import CCurl
import Foundation

/// One libcurl easy handle and the request it carries.
///
/// `@unchecked Sendable`: created on the caller's thread and handed to ``CurlMultiLoop`` through its
/// lock; from then on every mutable field (`easy`, `headerList`, `headers`, `handler`, ...) is
/// touched only on the loop thread. A transfer the loop refuses (after `shutdown()`) is finished on
/// the caller's thread instead and never reaches a loop thread. `cancelRequested` is guarded by the
/// loop's lock.
final class CurlTransfer: @unchecked Sendable {
    let request: CurlRequest
    private var handler: (any CurlResponseHandler)?
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var headers = HTTPHeaderList()
    private var headDelivered = false
    /// Guarded by the owning loop's lock.
    var cancelRequested = false

    init(request: CurlRequest, handler: any CurlResponseHandler) {
        self.request = request
        self.handler = handler
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// Makes and configures the easy handle. On failure the transfer is finished with the error.
    func start() -> UnsafeMutableRawPointer? {
        CurlGlobal.initialize()
        guard let easy = curl_easy_init() else {
            finish(.failed(curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed"))
            return nil
        }
        self.easy = easy
        let code = configure(easy)
        guard code == CURLE_OK else {
            finish(.failed(curlCode: Int(code.rawValue), message: String(cString: curl_easy_strerror(code))))
            return nil
        }
        return easy
    }

    /// Ends the transfer after libcurl reported it done.
    func complete(_ code: CURLcode) {
        if code == CURLE_OK {
            finish(.completed)
        } else {
            let detail = String(cString: errorBuffer)
            finish(.failed(curlCode: Int(code.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
    }

    /// Releases libcurl resources and tells the handler, once.
    func finish(_ outcome: CurlOutcome) {
        guard let handler else { return }
        if case .completed = outcome { deliverHeadIfNeeded() }
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        self.handler = nil
        handler.finished(outcome)
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        headers.append(line: String(decoding: bytes, as: UTF8.self))
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        deliverHeadIfNeeded()
        handler?.body(bytes)
    }

    private func deliverHeadIfNeeded() {
        guard !headDelivered, let easy else { return }
        headDelivered = true
        var status = 0
        _ = sluice_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        handler?.head(statusCode: status, headers: headers)
    }

    private func configure(_ easy: UnsafeMutableRawPointer) -> CURLcode {
        var codes: [CURLcode] = []
        func long(_ option: CURLoption, _ value: Int) { codes.append(sluice_curl_setopt_long(easy, option, value)) }
        func string(_ option: CURLoption, _ value: String?) {
            codes.append(sluice_curl_setopt_string(easy, option, value))
        }
        func pem(_ source: PEMSource?, file: CURLoption, blob: CURLoption, type: CURLoption?) {
            guard let source else { return }
            switch source {
            case .file(let path): string(file, path)
            case .data(let data):
                codes.append(data.withUnsafeBytes { sluice_curl_setopt_blob(easy, blob, $0.baseAddress, $0.count) })
            }
            if let type { string(type, "PEM") }
        }

        codes.append(sluice_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        string(CURLOPT_URL, request.url)
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_TCP_KEEPALIVE, 1)
        // Over TLS (where ALPN may pick HTTP/2) a new transfer waits for a connection being set up
        // to learn whether it can multiplex, instead of opening its own: reflectors started
        // together share one connection. Plain HTTP is always HTTP/1.1 here, and waiting there
        // would stall every transfer behind the first response.
        if request.url.hasPrefix("https://") { long(CURLOPT_PIPEWAIT, 1) }
        long(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        if let timeout = request.timeout { long(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)) }
        switch request.method {
        case "GET": long(CURLOPT_HTTPGET, 1)
        default: string(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body {
            codes.append(sluice_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            codes.append(body.withUnsafeBytes { sluice_curl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
        }
        for line in request.headers + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        codes.append(sluice_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))

        let tls = request.tls
        if tls.certificateAuthority != nil {
            // Trust only the given CA, not also the system directory.
            string(CURLOPT_CAPATH, nil)
            pem(tls.certificateAuthority, file: CURLOPT_CAINFO, blob: CURLOPT_CAINFO_BLOB, type: nil)
        }
        pem(tls.clientCertificate, file: CURLOPT_SSLCERT, blob: CURLOPT_SSLCERT_BLOB, type: CURLOPT_SSLCERTTYPE)
        pem(tls.clientKey, file: CURLOPT_SSLKEY, blob: CURLOPT_SSLKEY_BLOB, type: CURLOPT_SSLKEYTYPE)
        if tls.insecureSkipVerify {
            long(CURLOPT_SSL_VERIFYPEER, 0)
            long(CURLOPT_SSL_VERIFYHOST, 0)
        }

        let me = Unmanaged.passUnretained(self).toOpaque()
        codes.append(sluice_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, me))
        codes.append(sluice_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, me))
        codes.append(sluice_curl_setopt_write(easy) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        codes.append(sluice_curl_setopt_header(easy) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        return codes.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
