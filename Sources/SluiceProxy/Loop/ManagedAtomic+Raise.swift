import Atomics

extension ManagedAtomic where Value: FixedWidthInteger, Value.AtomicRepresentation.Value == Value {
    /// Makes the value `value` if that is higher (a running maximum that racing writers cannot
    /// lower). The write releases: a reader that acquires the new value sees what came before it.
    func raise(to value: Value) {
        var seen = load(ordering: .relaxed)
        while value > seen {
            let (exchanged, original) = compareExchange(expected: seen, desired: value, ordering: .releasing)
            if exchanged { return }
            seen = original
        }
    }
}
