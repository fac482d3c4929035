import Foundation
import KubeModels
import Yams

/// Parses one manifest file: every YAML document, `List` items too, into the objects Sluice uses.
///
/// Kinds read: `networking.k8s.io/v1` Ingress and IngressClass, `v1` Service and Secret,
/// `discovery.k8s.io/v1` EndpointSlice. Other kinds (Deployment, ConfigMap, ...) are skipped
/// silently; a known kind with another `apiVersion` is an error. Empty documents are skipped.
/// Objects without a namespace are put in `default` (IngressClass is cluster-scoped).
struct ManifestParser {
    static let defaultNamespace = "default"

    /// The YAML 1.2 core schema: `true`/`false` only, decimal/0o/0x integers, no timestamps.
    static let resolver = Resolver.basic
        .appending(try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"))
        .appending(try! Resolver.Rule(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"))
        .appending(try! Resolver.Rule(.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$"))
        .appending(try! Resolver.Rule(.null, "^(?:~|null|Null|NULL|)$"))

    let file: String
    private(set) var objects: [ManifestObject] = []
    /// The 1-based document of each of `objects`, in the same order.
    private(set) var documents: [Int] = []
    private(set) var errors: [ManifestError] = []

    init(file: String) {
        self.file = file
    }

    mutating func parse(_ yaml: String) {
        let parser: Parser
        do {
            parser = try Parser(yaml: yaml, resolver: Self.resolver)
        } catch {
            errors.append(yamlError(error, document: 1))
            return
        }
        var document = 0
        while true {
            let node: Node?
            do {
                node = try parser.nextRoot()
            } catch {
                errors.append(yamlError(error, document: document + 1))
                return
            }
            guard let node else { return }
            document += 1
            read(node, document: document, path: [])
        }
    }

    private mutating func read(_ node: Node, document: Int, path: [FieldPath.Segment], impliedKind: String? = nil) {
        if YAMLValue.isNull(node) { return }
        guard case .mapping = node else {
            fail(document, path, node, "expected a mapping (a Kubernetes object)")
            return
        }
        guard let kind = node["kind"]?.string ?? impliedKind, !kind.isEmpty else {
            fail(document, path + [.key("kind")], node, "missing")
            return
        }
        let apiVersion = node["apiVersion"]?.string

        if kind == "List" || (kind.hasSuffix("List") && node["items"] != nil) {
            readItems(of: node, kind: kind, document: document, path: path)
            return
        }
        switch kind {
        case Ingress.kindName: decode(Ingress.self, node, apiVersion, document, path) { .ingress($0) }
        case IngressClass.kindName: decode(IngressClass.self, node, apiVersion, document, path) { .ingressClass($0) }
        case Service.kindName: decode(Service.self, node, apiVersion, document, path) { .service($0) }
        case EndpointSlice.kindName: decode(EndpointSlice.self, node, apiVersion, document, path) { .endpointSlice($0) }
        case Secret.kindName: decode(Secret.self, node, apiVersion, document, path) { .secret($0) }
        default: return
        }
    }

    private mutating func readItems(of node: Node, kind: String, document: Int, path: [FieldPath.Segment]) {
        let itemsPath = path + [.key("items")]
        guard let items = node["items"] else { return }
        if YAMLValue.isNull(items) { return }
        guard case .sequence(let sequence) = items else {
            fail(document, itemsPath, items, "expected a list")
            return
        }
        let itemKind = kind == "List" ? nil : String(kind.dropLast("List".count))
        for (index, item) in sequence.enumerated() {
            read(item, document: document, path: itemsPath + [.index(index)], impliedKind: itemKind)
        }
    }

    private mutating func decode<Object: KubeAPIResource>(
        _ type: Object.Type, _ node: Node, _ apiVersion: String?, _ document: Int, _ path: [FieldPath.Segment],
        wrap: (Object) -> ManifestObject
    ) {
        if let apiVersion, apiVersion != Object.groupVersion {
            fail(document, path + [.key("apiVersion")], node["apiVersion"] ?? node,
                 "\(Object.kindName) must be \(Object.groupVersion), not \(apiVersion)")
            return
        }
        var object: Object
        do {
            let json = try JSONEncoder().encode(YAMLValue(node))
            object = try JSONDecoder().decode(Object.self, from: json)
        } catch let error as DecodingError {
            let (relative, message) = FieldPath.describe(error)
            fail(document, path + relative, FieldPath.node(at: relative, in: node) ?? node, message)
            return
        } catch {
            fail(document, path, node, "cannot be represented as JSON: \(error)")
            return
        }
        guard let name = object.metadata.name, !name.isEmpty else {
            fail(document, path + [.key("metadata"), .key("name")], node["metadata"] ?? node,
                 "missing; every object needs a name")
            return
        }
        if Object.isNamespaced, object.metadata.namespace?.isEmpty ?? true {
            object.metadata.namespace = Self.defaultNamespace
        }
        objects.append(wrap(object))
        documents.append(document)
    }

    private mutating func fail(_ document: Int, _ path: [FieldPath.Segment], _ node: Node, _ message: String) {
        errors.append(ManifestError(
            file: file, document: document, field: path.isEmpty ? nil : FieldPath.text(path),
            line: node.mark?.line, message: message
        ))
    }

    private func yamlError(_ error: any Error, document: Int) -> ManifestError {
        guard let yamlError = error as? YamlError else {
            return ManifestError(file: file, document: document, message: "malformed YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "malformed YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return ManifestError(file: file, document: document, line: mark.line, message: message + " at column \(mark.column)")
        case .reader(let problem, _, _, _):
            return ManifestError(file: file, document: document, message: "unreadable YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ManifestError(file: file, document: document, line: context.mark.line,
                                 message: "malformed YAML: duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return ManifestError(file: file, document: document, message: "malformed YAML: \(yamlError)")
        }
    }
}
