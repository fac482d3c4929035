import Foundation

/// What the HTTP handler writes for one request.
enum FakeKubeAnswer: Sendable {
    /// A complete response.
    case response(status: Int, body: Data, headers: [(String, String)])
    /// A WATCH was registered; its lines are already queued. End it after `timeoutSeconds`.
    case watchStarted(timeoutSeconds: Int?)
    /// HTTP 200 with these lines, then the end: a WATCH from a compacted version.
    case linesThenEnd([[UInt8]])
}

extension FakeKubeServerState {
    /// Logs, authenticates and serves one request, as a real API server would.
    mutating func handle(_ request: FakeKubeRequest, watcher: FakeKubeWatcher) -> FakeKubeAnswer {
        log.append(request)
        if let acceptedTokens {
            let header = request.headers["authorization"] ?? ""
            guard header.hasPrefix("Bearer "), acceptedTokens.contains(String(header.dropFirst(7))) else {
                return Self.statusAnswer(.unauthorized)
            }
        }
        let target = FakeKubeTarget(path: request.path)
        if var queue = faults[request.path], !queue.isEmpty {
            let fault = queue.removeFirst()
            faults[request.path] = queue
            var answer = Self.statusAnswer(fault.status(method: request.method, target: target))
            if let seconds = fault.retryAfter, case .response(let status, let body, var headers) = answer {
                headers.append(("Retry-After", String(seconds)))
                answer = .response(status: status, body: body, headers: headers)
            }
            return answer
        }
        guard let target else {
            return Self.statusAnswer(FakeKubeStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource"))
        }
        do throws(FakeKubeStatus) {
            switch (request.method, target.name, target.subresource) {
            case ("GET", nil, _) where request.isWatch: return try watch(request, target, watcher)
            case ("GET", nil, _): return try list(request, target)
            case ("GET", let name?, _):
                let key = FakeKubeObjectKey(namespace: target.namespace ?? "", name: name)
                guard let object = store.object(target.collection, key) else { throw .notFound(target.collection, name) }
                return Self.objectAnswer(200, object, target.collection)
            case ("POST", nil, _):
                let created = try mutate { store throws(FakeKubeStatus) in
                    try store.create(target.collection, namespace: target.namespace, try Self.parse(request.body))
                }
                return Self.objectAnswer(201, created, target.collection)
            case ("PUT", let name?, nil):
                var object = try Self.parse(request.body)
                object["metadata"]?["namespace"] = target.namespace.map { .string($0) }
                let key = FakeKubeObjectKey(namespace: target.namespace ?? "", name: name)
                let updated = try mutate { store throws(FakeKubeStatus) in try store.update(target.collection, key, object) }
                return Self.objectAnswer(200, updated, target.collection)
            case ("PATCH", let name?, let subresource):
                let contentType = request.headers["content-type"] ?? ""
                guard contentType.hasPrefix("application/merge-patch+json") else {
                    throw FakeKubeStatus(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json")
                }
                guard subresource == nil || subresource == "status" else {
                    throw FakeKubeStatus(code: 404, reason: "NotFound", message: "no subresource \(subresource ?? "")")
                }
                let patch = try Self.parse(request.body)
                let key = FakeKubeObjectKey(namespace: target.namespace ?? "", name: name)
                let patched = try mutate { store throws(FakeKubeStatus) in
                    try store.mergePatch(target.collection, key, patch, statusOnly: subresource == "status")
                }
                return Self.objectAnswer(200, patched, target.collection)
            case ("DELETE", let name?, nil):
                let key = FakeKubeObjectKey(namespace: target.namespace ?? "", name: name)
                guard let deleted = try mutate({ store in store.delete(target.collection, key) }) else {
                    throw .notFound(target.collection, name)
                }
                return Self.objectAnswer(200, deleted, target.collection)
            default:
                throw FakeKubeStatus(code: 405, reason: "MethodNotAllowed", message: "\(request.method) is not supported on \(request.path)")
            }
        } catch {
            return Self.statusAnswer(error)
        }
    }

    private mutating func list(_ request: FakeKubeRequest, _ target: FakeKubeTarget) throws(FakeKubeStatus) -> FakeKubeAnswer {
        let limit = Int(request.query["limit"] ?? "") ?? 0
        var listRevision = store.revision
        var after: FakeKubeObjectKey?
        if let token = request.query["continue"], !token.isEmpty {
            if expiringContinueTokens > 0 {
                expiringContinueTokens -= 1
                throw .expiredContinue
            }
            guard let decoded = ContinueToken(token) else { throw .badRequest("invalid continue token") }
            guard decoded.epoch == store.continueEpoch else { throw .expiredContinue }
            listRevision = decoded.revision
            after = decoded.after
        }
        let labels = FakeKubeSelector(request.query["labelSelector"])
        let fields = FakeKubeSelector(request.query["fieldSelector"])
        let remaining = store.objects(target.collection, namespace: target.namespace).filter { key, object in
            (after.map { key > $0 } ?? true) && labels.matchesLabels(of: object) && fields.matchesFields(of: object)
        }
        let page = limit > 0 ? Array(remaining.prefix(limit)) : remaining
        var metadata: FakeKubeJSON = .object(["resourceVersion": .string(String(listRevision))])
        if page.count < remaining.count, let last = page.last?.0 {
            metadata["continue"] = .string(ContinueToken(epoch: store.continueEpoch, revision: listRevision, after: last).encoded)
        }
        let body: FakeKubeJSON = .object([
            "kind": .string(target.collection.kind + "List"),
            "apiVersion": .string(target.collection.groupVersion),
            "metadata": metadata,
            "items": .array(page.map(\.1)),
        ])
        return .response(status: 200, body: (try? body.serialized()) ?? Data(), headers: [("Content-Type", "application/json")])
    }

    private mutating func watch(
        _ request: FakeKubeRequest, _ target: FakeKubeTarget, _ watcher: FakeKubeWatcher
    ) throws(FakeKubeStatus) -> FakeKubeAnswer {
        let filter = FakeKubeWatchFilter(
            collection: target.collection, namespace: target.namespace,
            labels: FakeKubeSelector(request.query["labelSelector"]),
            fields: FakeKubeSelector(request.query["fieldSelector"]),
            allowBookmarks: request.query["allowWatchBookmarks"] == "true")
        let version = request.query["resourceVersion"] ?? ""
        let replay: [FakeKubeChange]
        if version.isEmpty || version == "0" {
            replay = store.objects(target.collection, namespace: target.namespace).map { key, object in
                FakeKubeChange(revision: store.revision, collection: target.collection, key: key, type: "ADDED", object: object)
            }
        } else {
            guard let revision = Int(version) else { throw .badRequest("invalid resourceVersion \"\(version)\"") }
            switch store.changes(target.collection, after: revision, namespace: target.namespace) {
            case .failure(let status): return .linesThenEnd([Self.errorLine(status)])
            case .success(let changes): replay = changes
            }
        }
        watcher.filter = filter
        watchers[ObjectIdentifier(watcher)] = watcher
        for change in replay where filter.matches(change) {
            watcher.send(Self.eventLine(type: change.type, object: change.object, collection: change.collection))
        }
        return .watchStarted(timeoutSeconds: request.query["timeoutSeconds"].flatMap { Int($0) })
    }

    private static func parse(_ body: Data) throws(FakeKubeStatus) -> FakeKubeJSON {
        do {
            return try FakeKubeJSON(parsing: body)
        } catch {
            throw .badRequest("invalid JSON body: \(error)")
        }
    }

    static func objectAnswer(_ status: Int, _ object: FakeKubeJSON, _ collection: FakeKubeCollection) -> FakeKubeAnswer {
        var object = object
        object["kind"] = .string(collection.kind)
        object["apiVersion"] = .string(collection.groupVersion)
        return .response(status: status, body: (try? object.serialized()) ?? Data(), headers: [("Content-Type", "application/json")])
    }

    static func statusAnswer(_ status: FakeKubeStatus) -> FakeKubeAnswer {
        .response(status: status.code, body: (try? status.json.serialized()) ?? Data(), headers: [("Content-Type", "application/json")])
    }
}

/// The fake's continue token: which list snapshot (epoch, revision) and where the last page ended.
private struct ContinueToken {
    var epoch: Int
    var revision: Int
    var after: FakeKubeObjectKey

    init(epoch: Int, revision: Int, after: FakeKubeObjectKey) {
        self.epoch = epoch
        self.revision = revision
        self.after = after
    }

    init?(_ text: String) {
        guard let data = Data(base64Encoded: text), let json = try? FakeKubeJSON(parsing: data),
            case .int(let epoch)? = json["e"], case .int(let revision)? = json["rv"],
            let namespace = json["ns"]?.stringValue, let name = json["n"]?.stringValue
        else { return nil }
        self.init(epoch: Int(epoch), revision: Int(revision), after: FakeKubeObjectKey(namespace: namespace, name: name))
    }

    var encoded: String {
        let json: FakeKubeJSON = .object([
            "e": .int(Int64(epoch)), "rv": .int(Int64(revision)), "ns": .string(after.namespace), "n": .string(after.name),
        ])
        return ((try? json.serialized()) ?? Data()).base64EncodedString()
    }
}
