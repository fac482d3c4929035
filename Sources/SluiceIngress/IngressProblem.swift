/// Something wrong with one Ingress, before it is attached to the Ingress as a `Diagnostic`.
struct IngressProblem: Hashable, Sendable {
    var reason: String
    var message: String
    /// The annotation whose value is wrong, when the problem is one annotation's.
    var annotation: String? = nil
}
