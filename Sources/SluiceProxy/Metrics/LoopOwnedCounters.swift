import Atomics

/// A fixed row of integer counters that one event loop writes and any thread reads.
///
/// Only the owning loop adds, so an addition is a relaxed load and a relaxed store (two plain
/// `mov`s on x86-64), not a locked read-modify-write: no other core writes these cache lines, and
/// a reader on another thread (a scrape) sees each counter whole, possibly a few additions behind.
/// Reads of several counters are not a snapshot: a histogram's buckets may be one observation
/// apart from its sum.
///
/// `@unchecked Sendable`: the storage is allocated once, never moved, and freed in `deinit` when
/// no reference remains; every access to it, from any thread, goes through `UnsafeAtomic`.
final class LoopOwnedCounters: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UnsafeAtomic<Int>.Storage>
    let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        for index in 0..<count { (storage + index).initialize(to: .init(0)) }
    }

    deinit {
        for index in 0..<count { _ = (storage + index).move().dispose() }
        storage.deallocate()
    }

    /// Adds `amount` to counter `index`. Only the owning loop may call this.
    @inline(__always)
    func add(_ amount: Int, at index: Int) {
        let counter = UnsafeAtomic<Int>(at: storage + index)
        counter.store(counter.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    /// Counter `index` now (any thread).
    func load(_ index: Int) -> Int {
        UnsafeAtomic<Int>(at: storage + index).load(ordering: .relaxed)
    }
}
