import CCurl
import Foundation

/// One dedicated thread driving a libcurl multi handle for all of a client's transfers, so
/// connections are reused and, over HTTP/2, many watches share one connection. Nothing here
/// runs on a NIO event loop or the Swift concurrency pool: callers only enqueue work and wake
/// the thread (`curl_multi_wakeup` is thread-safe).
///
/// `@unchecked Sendable`: `multi` is created in `init` and destroyed by the loop thread under
/// `lock` (so `curl_multi_wakeup` never sees a freed handle); `queued`, `cancellations`,
/// `stopping`, `stopWhenIdle`, `threadStarted` and each transfer's `cancelRequested` are guarded by `lock`;
/// `active` is touched only by the loop thread.
final class CurlMultiLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var multi: UnsafeMutableRawPointer?
    private var queued: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    private var stopWhenIdle = false
    private var threadStarted = false
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init() {
        CurlGlobal.initialize()
        multi = curl_multi_init()
    }

    deinit {
        if let multi { curl_multi_cleanup(multi) }
    }

    /// Starts `transfer` on the loop thread (starting the thread on first use).
    func submit(_ transfer: CurlTransfer) {
        let startThread: Bool = locked {
            if stopping {
                cancellations.append(transfer)
                transfer.cancelRequested = true
            }
            queued.append(transfer)
            defer { threadStarted = true }
            return !threadStarted
        }
        if startThread {
            let thread = Thread { [self] in run() }
            thread.name = "sluice-curl"
            thread.start()
        } else {
            wake()
        }
    }

    /// Aborts `transfer` promptly; its handler sees `.cancelled`. No effect once it has finished.
    func cancel(_ transfer: CurlTransfer) {
        locked {
            transfer.cancelRequested = true
            cancellations.append(transfer)
        }
        wake()
    }

    /// Cancels every transfer and ends the thread.
    func shutdown() {
        locked { stopping = true }
        wake()
    }

    /// Ends the thread once no transfer is running: transfers in flight (a watch someone still
    /// consumes) finish first. Nothing may be submitted afterwards.
    func shutdownWhenIdle() {
        locked { stopWhenIdle = true }
        wake()
    }

    private func wake() {
        locked {
            if let multi { _ = curl_multi_wakeup(multi) }
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func run() {
        guard let multi = locked({ self.multi }) else { return }
        while true {
            let (adds, cancels, stop, stopIfIdle) = locked {
                let work = (queued.map { ($0, $0.cancelRequested) }, cancellations, stopping, stopWhenIdle)
                queued.removeAll()
                cancellations.removeAll()
                return work
            }
            for (transfer, cancelled) in adds {
                if cancelled {
                    transfer.finish(.cancelled)
                } else if let easy = transfer.start() {
                    active[easy] = transfer
                    curl_multi_add_handle(multi, easy)
                }
            }
            for transfer in cancels {
                guard let easy = transfer.easy, active.removeValue(forKey: easy) != nil else { continue }
                curl_multi_remove_handle(multi, easy)
                transfer.finish(.cancelled)
            }
            if stop {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.finish(.cancelled)
                }
                active.removeAll()
                break
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished(multi)
            if stopIfIdle && active.isEmpty { break }
            var descriptors: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &descriptors)
        }
        locked {
            curl_multi_cleanup(multi)
            self.multi = nil
        }
    }

    private func collectFinished(_ multi: UnsafeMutableRawPointer) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            curl_multi_remove_handle(multi, easy)
            transfer.complete(result)
        }
    }
}
