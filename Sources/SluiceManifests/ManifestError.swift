/// A problem in one document of one manifest file, precise enough to fix it:
/// `ingress.yaml: document 2: spec.rules[0].host: expected a string`.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, relative to the loaded directory (or as given to `ManifestLoader.parse`).
    public var file: String
    /// 1-based index of the YAML document in the file; 0 for the file (or directory) as a whole.
    public var document: Int
    /// Dotted path of the offending field (`spec.rules[0].http.paths[1].pathType`), if known.
    public var field: String?
    /// 1-based line in the file, when the YAML parser or the field lookup can tell.
    public var line: Int?
    public var message: String

    public init(file: String, document: Int, field: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.document = document
        self.field = field
        self.line = line
        self.message = message
    }

    public var description: String {
        var text = document > 0 ? "\(file): document \(document)" : file
        if let line { text += " (line \(line))" }
        if let field { text += ": \(field)" }
        return text + ": \(message)"
    }
}
