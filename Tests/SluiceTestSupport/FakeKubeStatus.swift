/// A Status answer of the fake API server: an HTTP code, a reason and a message, rendered as the
/// real server's `kind: Status` body.
struct FakeKubeStatus: Error, Hashable, Sendable {
    var code: Int
    var reason: String
    var message: String

    var json: FakeKubeJSON {
        .object([
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]),
            "status": .string("Failure"), "message": .string(message), "reason": .string(reason),
            "code": .int(Int64(code)),
        ])
    }

    static func notFound(_ collection: FakeKubeCollection, _ name: String) -> FakeKubeStatus {
        FakeKubeStatus(code: 404, reason: "NotFound", message: "\(collection.qualifiedResource) \"\(name)\" not found")
    }

    static func alreadyExists(_ collection: FakeKubeCollection, _ name: String) -> FakeKubeStatus {
        FakeKubeStatus(
            code: 409, reason: "AlreadyExists", message: "\(collection.qualifiedResource) \"\(name)\" already exists")
    }

    static func conflict(_ collection: FakeKubeCollection, _ name: String) -> FakeKubeStatus {
        FakeKubeStatus(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(collection.qualifiedResource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again"
        )
    }

    static let expiredContinue = FakeKubeStatus(
        code: 410, reason: "Expired",
        message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response to retrieve the remainder of the results."
    )

    static func tooOldResourceVersion(_ requested: Int, oldest: Int) -> FakeKubeStatus {
        FakeKubeStatus(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }

    static func badRequest(_ message: String) -> FakeKubeStatus {
        FakeKubeStatus(code: 400, reason: "BadRequest", message: message)
    }

    static let unauthorized = FakeKubeStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")
}
