import CCurl
import Foundation

/// One dedicated thread driving a libcurl multi handle for all of a client's transfers, so
/// connections are reused and, over HTTP/2, many watches share one connection. Nothing here
/// runs on a NIO event loop or the Swift concurrency pool: callers only enqueue work and wake
/// the thread (`curl_multi_wakeup` is thread-safe).
///
/// The thread starts with the first transfer. After `shutdownWhenIdle()` it ends once nothing is
/// running, and starts again (with a new multi handle) if a transfer is submitted later. After
/// `shutdown()` every transfer submitted is finished at once with `.cancelled`.
///
/// `@unchecked Sendable`: `multi` exists exactly while `threadRunning` is true; it is created by
/// `submit` and destroyed by the loop thread, both under `lock`, so `curl_multi_wakeup` never sees
/// a freed handle. `queued`, `cancellations`, `stopping`, `stopWhenIdle`, `threadRunning` and each
/// transfer's `cancelRequested` are guarded by `lock`; `active` is touched only by the loop thread
/// (one at a time: a new thread starts only after the previous one cleared `threadRunning`, its
/// last act, and `active` is empty whenever a thread ends).
final class CurlMultiLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var multi: UnsafeMutableRawPointer?
    private var queued: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    private var stopWhenIdle = false
    private var threadRunning = false
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init() {
        CurlGlobal.initialize()
    }

    deinit {
        if let multi { curl_multi_cleanup(multi) }
    }

    /// Whether the loop thread is running; for tests.
    var isThreadRunning: Bool { locked { threadRunning } }

    /// Starts `transfer` on the loop thread, starting the thread if it is not running. After
    /// `shutdown()` the transfer is finished with `.cancelled` before this returns.
    func submit(_ transfer: CurlTransfer) {
        enum Admission {
            case queued
            case startThread
            case refused(CurlOutcome)
        }
        let admission: Admission = locked {
            if stopping { return .refused(.cancelled) }
            if threadRunning {
                queued.append(transfer)
                return .queued
            }
            guard let handle = curl_multi_init() else {
                return .refused(.failed(curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed"))
            }
            multi = handle
            threadRunning = true
            queued.append(transfer)
            return .startThread
        }
        switch admission {
        case .queued:
            wake()
        case .startThread:
            let thread = Thread { [self] in run() }
            thread.name = "sluice-curl"
            thread.start()
        case .refused(let outcome):
            // Never handed to a loop thread, so finishing it here is the only access. Outside
            // `lock`: the handler may call `cancel` (a watch stream's termination does).
            transfer.finish(outcome)
        }
    }

    /// Aborts `transfer` promptly; its handler sees `.cancelled`. No effect once it has finished.
    func cancel(_ transfer: CurlTransfer) {
        let running: Bool = locked {
            transfer.cancelRequested = true
            guard threadRunning else { return false }
            cancellations.append(transfer)
            return true
        }
        if running { wake() }
    }

    /// Cancels every transfer and ends the thread.
    func shutdown() {
        locked { stopping = true }
        wake()
    }

    /// Ends the thread once no transfer is running: transfers in flight (a watch someone still
    /// consumes) finish first. A later `submit` starts the thread again.
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
                // Transfers queued after this round's snapshot but before `stopping` was set.
                for transfer in endAfterStop(multi) {
                    transfer.finish(.cancelled)
                }
                return
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished(multi)
            if stopIfIdle && active.isEmpty && endIfNothingQueued(multi) { return }
            var descriptors: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &descriptors)
        }
    }

    /// Ends the thread's ownership of `multi` after `shutdown()`, returning the transfers queued
    /// too late for this round (never started: finish them).
    private func endAfterStop(_ multi: UnsafeMutableRawPointer) -> [CurlTransfer] {
        locked {
            let leftover = queued
            queued.removeAll()
            release(multi)
            return leftover
        }
    }

    /// Ends the thread's ownership of `multi` unless a transfer was queued meanwhile.
    private func endIfNothingQueued(_ multi: UnsafeMutableRawPointer) -> Bool {
        locked {
            guard queued.isEmpty else { return false }
            release(multi)
            return true
        }
    }

    /// Call under `lock`: from here on `submit` starts a new thread.
    private func release(_ multi: UnsafeMutableRawPointer) {
        cancellations.removeAll()
        curl_multi_cleanup(multi)
        self.multi = nil
        threadRunning = false
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
