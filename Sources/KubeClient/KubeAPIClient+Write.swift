import Foundation

/// The `Content-Type` of a PATCH body.
public enum KubePatchType: String, Sendable {
    /// RFC 7386 JSON merge patch: `{"status":{...}}`.
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    /// RFC 6902 JSON patch: `[{"op":"replace",...}]`.
    case json = "application/json-patch+json"
}

extension KubeAPIClient {
    /// GETs one object; `path` names it.
    public func get<T: Decodable & Sendable>(_ path: KubeResourcePath, as type: T.Type) async throws -> T {
        let body = try await send(makeRequest(method: "GET", path: path, timeout: requestTimeout), verb: "get", path: path)
        return try decode(T.self, from: body)
    }

    /// POSTs `object` to the collection `path` (with `metadata.generateName` the server picks the
    /// name). 409 `AlreadyExists` → ``KubeAPIError/conflict(_:)``.
    public func create<T: Codable & Sendable>(_ path: KubeResourcePath, _ object: T) async throws -> T {
        let request = makeRequest(
            method: "POST", path: path, body: try encode(object), contentType: "application/json",
            timeout: requestTimeout)
        return try decode(T.self, from: try await send(request, verb: "create", path: path))
    }

    /// PUTs `object` to `path` (which names it). When `object` carries `metadata.resourceVersion`
    /// and the stored object has moved on, the server answers 409 → ``KubeAPIError/conflict(_:)``:
    /// re-read, then decide.
    public func update<T: Codable & Sendable>(_ path: KubeResourcePath, _ object: T) async throws -> T {
        let request = makeRequest(
            method: "PUT", path: path, body: try encode(object), contentType: "application/json",
            timeout: requestTimeout)
        return try decode(T.self, from: try await send(request, verb: "update", path: path))
    }

    /// PATCHes the object (or subresource) at `path` with `patch`, encoded as JSON.
    public func patch<T: Decodable & Sendable>(
        _ path: KubeResourcePath, _ patch: some Encodable, contentType: KubePatchType = .merge, as type: T.Type
    ) async throws -> T {
        let request = makeRequest(
            method: "PATCH", path: path, body: try encode(patch), contentType: contentType.rawValue,
            timeout: requestTimeout)
        return try decode(T.self, from: try await send(request, verb: "patch", path: path))
    }

    /// Merge-patches the `status` subresource of the object `path` names, e.g.
    /// `{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}`. RBAC: `patch` on
    /// `<resource>/status`.
    public func patchStatus<T: Decodable & Sendable>(
        _ path: KubeResourcePath, _ patch: some Encodable, as type: T.Type
    ) async throws -> T {
        try await self.patch(path.subresource("status"), patch, contentType: .merge, as: type)
    }
}
