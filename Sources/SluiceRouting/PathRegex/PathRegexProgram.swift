/// One step of a compiled pattern (Thompson's construction; run by ``PathRegexMachine``).
enum PathRegexInstruction: Hashable, Sendable {
    /// Consume one byte in the set.
    case bytes(ByteSet)
    /// Go on at both, the first preferred (greedy) over the second.
    case split(Int, Int)
    case jump(Int)
    /// Record the position in capture slot `n` (group `n / 2`, its start when even).
    case save(Int)
    case lineStart
    case lineEnd
    case match
}

/// Compiles ``PathRegexNode``s into instructions, expanding counted repeats within a bound.
struct PathRegexCompiler {
    /// Most instructions a pattern may compile to (repeats are expanded: `(a{100}){100}` is refused).
    static let maximumInstructions = 4_000

    private(set) var program: [PathRegexInstruction] = []

    /// The program for `node`: group 0 (the whole match) around it, then `match`.
    static func compile(_ node: PathRegexNode) throws(PathRegexError) -> [PathRegexInstruction] {
        var compiler = PathRegexCompiler()
        try compiler.emit(.save(0))
        try compiler.emit(node)
        try compiler.emit(.save(1))
        try compiler.emit(.match)
        return compiler.program
    }

    private mutating func emit(_ instruction: PathRegexInstruction) throws(PathRegexError) {
        guard program.count < Self.maximumInstructions else {
            throw PathRegexError(message: "too large once its repeats are expanded (over \(Self.maximumInstructions) steps)")
        }
        program.append(instruction)
    }

    private mutating func emit(_ node: PathRegexNode) throws(PathRegexError) {
        switch node {
        case .empty:
            break
        case .bytes(let set):
            try emit(PathRegexInstruction.bytes(set))
        case .sequence(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var jumpsToEnd: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    try emit(.split(split + 1, -1))
                    try emit(branch)
                    jumpsToEnd.append(program.count)
                    try emit(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumpsToEnd { program[jump] = .jump(program.count) }
        case .repetition(let body, let min, let max, let greedy):
            try emitRepetition(body, min: min, max: max, greedy: greedy)
        case .group(let body, let index):
            if let index { try emit(.save(2 * index)) }
            try emit(body)
            if let index { try emit(.save(2 * index + 1)) }
        case .lineStart:
            try emit(PathRegexInstruction.lineStart)
        case .lineEnd:
            try emit(PathRegexInstruction.lineEnd)
        }
    }

    private mutating func emitRepetition(_ body: PathRegexNode, min: Int, max: Int?, greedy: Bool) throws(PathRegexError) {
        for _ in 0..<min { try emit(body) }
        guard let max else {
            // loop: split(body, out); body; jump loop
            let loop = program.count
            try emit(.split(-1, -1))
            try emit(body)
            try emit(.jump(loop))
            program[loop] = preferring(loop + 1, program.count, greedy: greedy)
            return
        }
        var splits: [Int] = []
        for _ in min..<max {
            splits.append(program.count)
            try emit(.split(-1, -1))
            try emit(body)
        }
        for split in splits { program[split] = preferring(split + 1, program.count, greedy: greedy) }
    }

    private func preferring(_ body: Int, _ out: Int, greedy: Bool) -> PathRegexInstruction {
        greedy ? .split(body, out) : .split(out, body)
    }
}
