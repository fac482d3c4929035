import Foundation

/// A value behind a lock. (Foundation's `NSLock` instead of `Synchronization.Mutex`, which the
/// package's macOS 14 floor does not have.)
public final class LockedValue<Value>: @unchecked Sendable {
    // Safe: `value` is only read or written inside `lock`, and `withLock` never lets a reference to it escape.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
