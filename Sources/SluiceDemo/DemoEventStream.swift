import Foundation

/// The events of one Server-Sent Events response, produced one at a time. A pure value: the
/// handler asks for the next event when it is time to send it.
struct DemoEventStream: Sendable {
    enum Source: Sendable {
        /// Chat tokens, then `data: [DONE]`.
        case tokens([String])
        /// `count` events whose data is the send time in Unix nanoseconds.
        case timestamps(count: Int)
    }

    let source: Source
    /// Time between events; the first event is sent at once.
    let interval: Duration
    private var sent = 0

    init(source: Source, interval: Duration) {
        self.source = source
        self.interval = interval
    }

    /// The next event's wire text, or nil when the stream is complete.
    mutating func next(unixNanos: @autoclosure () -> UInt64) -> String? {
        defer { sent += 1 }
        let id = sent + 1
        switch source {
        case .tokens(let tokens):
            if sent < tokens.count { return Self.event(id: id, data: Self.tokenJSON(tokens[sent])) }
            if sent == tokens.count { return Self.event(id: id, data: "[DONE]") }
            return nil
        case .timestamps(let count):
            return sent < count ? Self.event(id: id, data: "\(unixNanos())") : nil
        }
    }

    static func event(id: Int, data: String) -> String {
        "id: \(id)\ndata: \(data)\n\n"
    }

    static func tokenJSON(_ token: String) -> String {
        struct Token: Encodable { var token: String }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(Token(token: token))) ?? Data("{\"token\":\"\"}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Turns a prompt into the text the demo "model" answers with, split into word tokens the way
/// LLM APIs stream them (each token carries its leading space).
enum DemoChatReply {
    static let defaultReply =
        "Hello! I am Sluice's demo model. Every word you read arrives as its own Server-Sent Event, "
        + "flushed through the proxy the moment it is produced."

    static func tokens(prompt: String?) -> [String] {
        let text: String
        if let prompt, !prompt.isEmpty {
            text = "You said: \(prompt)"
        } else {
            text = defaultReply
        }
        var tokens: [String] = []
        for (index, word) in text.split(separator: " ").enumerated() {
            tokens.append(index == 0 ? String(word) : " " + word)
        }
        return tokens
    }

    /// The prompt from a JSON request body such as `{"prompt": "..."}`, if there is one.
    static func prompt(fromJSONBody body: [UInt8]) -> String? {
        struct Request: Decodable { var prompt: String? }
        return (try? JSONDecoder().decode(Request.self, from: Data(body)))?.prompt
    }
}
