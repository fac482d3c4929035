import NIOConcurrencyHelpers

/// A counting signal between a test and an in-process upstream: the upstream `take()`s a permit
/// before each step (e.g. before sending an event), the test `grant()`s them. Granting one permit
/// per event the client received makes the upstream run in lockstep with the client.
/// `open()` makes every current and future `take()` return at once.
public final class UpstreamPermits: Sendable {
    private struct State {
        var available = 0
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    public init(initial: Int = 0) {
        state.withLockedValue { $0.available = initial }
    }

    /// Lets one waiting (or the next) `take()` proceed.
    public func grant(_ count: Int = 1) {
        for _ in 0..<count {
            let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                if state.waiters.isEmpty {
                    state.available += 1
                    return nil
                }
                return state.waiters.removeFirst()
            }
            waiter?.resume()
        }
    }

    /// Lets every `take()` proceed from now on.
    public func open() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits for a permit.
    public func take() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLockedValue { state -> Bool in
                if state.isOpen { return true }
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
