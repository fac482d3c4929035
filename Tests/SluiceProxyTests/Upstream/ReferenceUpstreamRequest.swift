import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceRouting

@testable import SluiceProxy

/// The upstream request as the design states it, built step by step with `HTTPHeaders`
/// operations and written by NIO's own `HTTPRequestEncoder` (which frames the body): the
/// specification that `UpstreamRequestHead` and `UpstreamRequestEncoder`, which write it in one
/// pass, are checked against byte for byte. Plain and slow on purpose.
enum ReferenceUpstreamRequest {
    static func head(
        _ client: HTTPRequestHead, facts: ClientConnectionFacts, declaredEventStream: Bool, requestID: String
    ) -> HTTPRequestHead {
        var fields = client.headers
        let eventStream = declaredEventStream || fields["accept"].contains { listElements($0, cutAt: ";").contains("text/event-stream") }
        let chunked = fields["transfer-encoding"].contains { listElements($0).contains("chunked") }
        fields = HopByHopHeaders.removing(from: fields, keepUpgrade: requestsUpgrade(client.headers))
        if eventStream { fields.remove(name: "accept-encoding") }
        fields = HTTPHeaders(fields.filter { !($0.name.lowercased() == "expect" && trimmed(Substring($0.value)).lowercased() == "100-continue") })

        let host = fields.first(name: "host").map { trimmed(Substring($0)) }
        let forwardedFor = fields["x-forwarded-for"].flatMap { $0.split(separator: ",").map(trimmed) }
        let requestIDs = fields["x-request-id"].flatMap { $0.split(separator: ",").map(trimmed) }
        // A trusted proxy's X-Forwarded-Proto is kept; anyone else's is replaced.
        let keepsProto = facts.trustsForwarding && !fields["x-forwarded-proto"].isEmpty
        if !keepsProto { fields.remove(name: "x-forwarded-proto") }
        fields.remove(name: "x-request-id")
        if let ip = facts.clientIP {
            fields.remove(name: "x-forwarded-for")
            fields.remove(name: "x-real-ip")
            // A trusted proxy's chain is appended to and names the client; anyone else's is replaced.
            let trusted = facts.trustsForwarding && !forwardedFor.isEmpty
            fields.add(name: "X-Forwarded-For", value: trusted ? (forwardedFor + [ip]).joined(separator: ", ") : ip)
            let client = trusted ? RealClientAddress.text(in: forwardedFor.map { Substring($0) }, trusted: facts.trustedProxies) ?? ip : ip
            fields.add(name: "X-Real-IP", value: client)
        }
        if !keepsProto { fields.add(name: "X-Forwarded-Proto", value: facts.proto) }
        if let host {
            fields.remove(name: "x-forwarded-host")
            fields.add(name: "X-Forwarded-Host", value: host)
        }
        if let port = facts.localPort {
            fields.remove(name: "x-forwarded-port")
            fields.add(name: "X-Forwarded-Port", value: "\(port)")
        }
        let keptID = requestIDs.count == 1 && ForwardedHeaders.isSaneRequestID(Substring(requestIDs[0]))
        fields.add(name: "X-Request-ID", value: keptID ? requestIDs[0] : requestID)
        if chunked { fields.add(name: "Transfer-Encoding", value: "chunked") }
        return HTTPRequestHead(version: .http1_1, method: client.method, uri: client.uri, headers: fields)
    }

    /// `Connection` lists `upgrade` and there is an `Upgrade` field.
    static func requestsUpgrade(_ fields: HTTPHeaders) -> Bool {
        !fields["upgrade"].isEmpty && fields["connection"].contains { listElements($0).contains("upgrade") }
    }

    static func expectsContinue(_ fields: HTTPHeaders) -> Bool {
        fields["expect"].contains { trimmed(Substring($0)).lowercased() == "100-continue" }
    }

    /// What NIO's encoder writes for `parts`.
    static func wire(_ parts: [HTTPClientRequestPart]) throws -> String {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
        for part in parts { try channel.writeOutbound(part) }
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { text += String(buffer: buffer) }
        }
        return text
    }

    private static func listElements(_ value: String, cutAt parameters: Character? = nil) -> [String] {
        value.split(separator: ",").map { element in
            let type = parameters.flatMap { element.split(separator: $0, omittingEmptySubsequences: false).first } ?? element
            return trimmed(type).lowercased()
        }
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
