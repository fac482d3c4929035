import SluiceRouting

/// The users of an `auth-secret` Secret: an htpasswd file (`auth-file`) or one key per user
/// (`auth-map`). Every user's hash must be one `PasswordHash` checks: a Secret with one bad line
/// is refused whole (the route fails closed), never served with the lines that parse.
enum HtpasswdFile {
    /// The users of htpasswd `text`: a `user:hash` line each (a third `:field` is a comment, as
    /// nginx reads it); blank lines and lines starting with `#` are skipped, lines may end in
    /// CRLF. A user named twice keeps its first hash, as nginx (which stops at the first
    /// match) does. Fails with the first bad line, by number, never with its content (it holds a
    /// hash).
    static func parse(_ text: String) -> Result<[String: PasswordHash], HtpasswdProblem> {
        var users: [String: PasswordHash] = [:]
        // A CRLF is one Character: both it and LF end a line.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2, !fields[0].isEmpty else { return .failure(.notUserAndHash(line: index + 1)) }
            switch PasswordHash.parse(String(fields[1])) {
            case .success(let hash):
                if users[String(fields[0])] == nil { users[String(fields[0])] = hash }
            case .failure(let problem):
                return .failure(.badHash(user: String(fields[0]), line: index + 1, problem))
            }
        }
        guard !users.isEmpty else { return .failure(.noUsers) }
        return .success(users)
    }

    /// The users of an `auth-map` Secret's `data`: each key a user, each value its hash.
    static func parse(map: [String: [UInt8]]) -> Result<[String: PasswordHash], HtpasswdProblem> {
        var users: [String: PasswordHash] = [:]
        for (user, value) in map.sorted(by: { $0.key < $1.key }) {
            guard let text = String(validating: value, as: UTF8.self) else {
                return .failure(.badHash(user: user, line: nil, .unknownKind))
            }
            switch PasswordHash.parse(text.hasSuffix("\n") ? String(text.dropLast()) : text) {
            case .success(let hash): users[user] = hash
            case .failure(let problem): return .failure(.badHash(user: user, line: nil, problem))
            }
        }
        guard !users.isEmpty else { return .failure(.noUsers) }
        return .success(users)
    }
}

/// Why an `auth-secret`'s users are refused (the text follows the Secret's name in a Warning).
enum HtpasswdProblem: Error, Hashable, Sendable {
    case noUsers
    case notUserAndHash(line: Int)
    /// `line` nil: an `auth-map` key.
    case badHash(user: String, line: Int?, PasswordHashProblem)

    var description: String {
        switch self {
        case .noUsers: "holds no users"
        case .notUserAndHash(let line): "line \(line) is not user:hash"
        case .badHash(let user, let line?, let problem): "line \(line) (user \(user)) holds \(problem.description)"
        case .badHash(let user, nil, let problem): "key \(user) holds \(problem.description)"
        }
    }
}
