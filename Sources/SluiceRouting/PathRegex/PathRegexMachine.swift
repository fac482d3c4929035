/// Runs a compiled pattern over a path anchored at its start, as a Pike VM: every live thread
/// advances one byte at a time in lockstep, at most one thread per instruction. The time is
/// the path's length times the program's, whatever the pattern: nothing backtracks.
///
/// Threads keep PCRE's priority order, so the captures are the ones a backtracking engine
/// would report (leftmost-first: greedy prefers more, lazy fewer, `|` its left branch).
struct PathRegexMachine {
    private let program: [PathRegexInstruction]
    private let slotCount: Int

    init(program: [PathRegexInstruction], captureCount: Int) {
        self.program = program
        self.slotCount = 2 * (captureCount + 1)
    }

    /// Whether a prefix of `input` (possibly empty, possibly all of it) matches.
    func matchesPrefix(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        var current: [Int] = []
        var next: [Int] = []
        var seen = [Int](repeating: -1, count: program.count)
        if follow(0, at: 0, input, into: &current, seen: &seen) { return true }
        for position in 0..<input.count {
            guard !current.isEmpty else { return false }
            next.removeAll(keepingCapacity: true)
            let byte = input[position]
            for pc in current {
                if case .bytes(let set) = program[pc], set.contains(byte),
                    follow(pc + 1, at: position + 1, input, into: &next, seen: &seen)
                {
                    return true
                }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds the threads reachable from `start` without consuming a byte to `list`; true when
    /// one of them is a match.
    private func follow(_ start: Int, at position: Int, _ input: UnsafeBufferPointer<UInt8>, into list: inout [Int], seen: inout [Int]) -> Bool {
        var stack = [start]
        while let pc = stack.popLast() {
            guard seen[pc] != position else { continue }
            seen[pc] = position
            switch program[pc] {
            case .bytes: list.append(pc)
            case .match: return true
            case .jump(let target): stack.append(target)
            case .split(let first, let second): stack.append(second); stack.append(first)
            case .save: stack.append(pc + 1)
            case .lineStart: if position == 0 { stack.append(pc + 1) }
            case .lineEnd: if position == input.count { stack.append(pc + 1) }
            }
        }
        return false
    }

    /// The capture slots of the preferred match of a prefix of `input` (start and end offset
    /// of each group, -1 for a group that took no part), or nil when nothing matches.
    func captures(_ input: UnsafeBufferPointer<UInt8>) -> [Int]? {
        var current: [(pc: Int, slots: [Int])] = []
        var next: [(pc: Int, slots: [Int])] = []
        var seen = [Int](repeating: -1, count: program.count)
        var best: [Int]?
        best = add(0, at: 0, slots: [Int](repeating: -1, count: slotCount), input, into: &current, seen: &seen) ?? best
        var position = 0
        while !current.isEmpty, position < input.count {
            next.removeAll(keepingCapacity: true)
            let byte = input[position]
            for thread in current {
                guard case .bytes(let set) = program[thread.pc], set.contains(byte) else { continue }
                if let matched = add(thread.pc + 1, at: position + 1, slots: thread.slots, input, into: &next, seen: &seen) {
                    // A match cuts every thread of lower priority.
                    best = matched
                    break
                }
            }
            swap(&current, &next)
            position += 1
        }
        return best
    }

    /// Like `follow`, carrying capture slots; returns the slots of a match reached (the threads
    /// added before it, of higher priority, stay in `list`).
    private func add(
        _ start: Int, at position: Int, slots: [Int], _ input: UnsafeBufferPointer<UInt8>,
        into list: inout [(pc: Int, slots: [Int])], seen: inout [Int]
    ) -> [Int]? {
        var stack = [(start, slots)]
        while let (pc, slots) = stack.popLast() {
            guard seen[pc] != position else { continue }
            seen[pc] = position
            switch program[pc] {
            case .bytes: list.append((pc, slots))
            case .match: return slots
            case .jump(let target): stack.append((target, slots))
            case .split(let first, let second): stack.append((second, slots)); stack.append((first, slots))
            case .save(let slot):
                var saved = slots
                if slot < saved.count { saved[slot] = position }
                stack.append((pc + 1, saved))
            case .lineStart: if position == 0 { stack.append((pc + 1, slots)) }
            case .lineEnd: if position == input.count { stack.append((pc + 1, slots)) }
            }
        }
        return nil
    }
}
