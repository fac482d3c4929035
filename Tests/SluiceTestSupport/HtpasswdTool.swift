/// Apache's real `htpasswd` (Debian's apache2-utils, installed by
/// `Scripts/ensure-system-packages.sh`), for tests to make password files with each hash kind.
public enum HtpasswdTool {
    /// The hash kinds `htpasswd` makes, by its flag.
    public enum Kind: String, CaseIterable, Sendable {
        case bcrypt = "-B"
        case apr1 = "-m"
        case sha1 = "-s"
        case sha256Crypt = "-2"
        case sha512Crypt = "-5"
        case descrypt = "-d"
        case plain = "-p"
    }

    /// The `user:hash` line `htpasswd -nb` prints for `user` and `password`.
    public static func line(user: String, password: String, kind: Kind) async throws -> String {
        let result = try await ChildProcess.run(executable: "/usr/bin/htpasswd", arguments: ["-nb", kind.rawValue, user, password])
        guard result.exitCode == 0, let line = result.stdout.split(separator: "\n").first else {
            throw HtpasswdToolError(stderr: result.stderr)
        }
        return String(line)
    }
}

public struct HtpasswdToolError: Error {
    public let stderr: String
}
