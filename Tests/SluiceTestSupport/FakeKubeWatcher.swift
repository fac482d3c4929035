import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What one open WATCH wants to see.
struct FakeKubeWatchFilter: Sendable {
    var collection: FakeKubeCollection
    var namespace: String?
    var labels: FakeKubeSelector
    var fields: FakeKubeSelector
    var allowBookmarks: Bool

    func matches(_ change: FakeKubeChange) -> Bool {
        change.collection == collection && (namespace == nil || change.key.namespace == namespace)
            && labels.matchesLabels(of: change.object) && fields.matchesFields(of: change.object)
    }
}

/// One open WATCH response. Every write is queued on the connection's event loop with
/// `execute`, and the server queues them while holding its state lock, so lines leave in the
/// order the changes happened, and nothing follows the end of the response.
final class FakeKubeWatcher: Sendable {
    let channel: any Channel
    private let ended = NIOLockedValueBox(false)
    private let filterBox = NIOLockedValueBox<FakeKubeWatchFilter?>(nil)

    init(channel: any Channel) {
        self.channel = channel
    }

    var filter: FakeKubeWatchFilter? {
        get { filterBox.withLockedValue { $0 } }
        set { filterBox.withLockedValue { $0 = newValue } }
    }

    /// Queues one line (a newline is appended).
    func send(_ line: [UInt8]) {
        let channel = self.channel
        channel.eventLoop.execute { [ended] in
            guard !ended.withLockedValue({ $0 }) else { return }
            var buffer = channel.allocator.buffer(capacity: line.count + 1)
            buffer.writeBytes(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
    }

    /// Queues the end of the response (after an optional last line).
    func end(after line: [UInt8]? = nil) {
        if let line { send(line) }
        let channel = self.channel
        channel.eventLoop.execute { [ended] in
            let alreadyEnded = ended.withLockedValue { wasEnded in
                defer { wasEnded = true }
                return wasEnded
            }
            guard !alreadyEnded else { return }
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        }
    }

    /// Closes the channel without ending the response: what a crashed server or a broken network
    /// looks like to the client. Over HTTP/2 the channel is the watch's stream, so this resets
    /// the stream rather than closing the connection.
    func drop() {
        close(channel)
    }

    /// Closes the TCP connection the watch runs on: over HTTP/2 this ends every stream on it.
    func dropConnection() {
        close(channel.parent ?? channel)
    }

    private func close(_ target: any Channel) {
        channel.eventLoop.execute { [ended] in
            ended.withLockedValue { $0 = true }
            target.close(promise: nil)
        }
    }
}
