/// Why a value was rejected by an annotation grammar, in a few words (`more than 7 days`).
public struct GrammarFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}
