#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SluiceProxy
import SluiceRouting
import SluiceTestSupport
import Testing

/// The access log as each event loop batches it: whole lines on a real pipe from several loops,
/// and nothing left in a buffer at shutdown.
@Suite("Proxy access log batching")
struct ProxyAccessLogBatchingTests {
    /// Lines from several loops, written in batches far over `PIPE_BUF` through a pipe kept
    /// almost full (so that the kernel takes each batch in several short writes), come out whole.
    @Test func linesFromSeveralLoopsComeOutWholeThroughAPipe() async throws {
        let pipe = try PipeReader()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 4)
        let padding = String(repeating: "p", count: 1500)
        let connections = 8
        let requests = 25
        try await withTeardown {
            try await withUpstream(.echo) { upstream in
                try await withProxy(
                    table(endpoints: [.local(upstream)]),
                    configuration: ProxyConfiguration(accessLog: .fileDescriptor(pipe.writeEnd, flushThreshold: 16 * 1024)),
                    group: group
                ) { proxy in
                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        for connection in 0..<connections {
                            tasks.addTask {
                                let client = try await proxy.connect()
                                for request in 0..<requests {
                                    try await client.send(get("/c\(connection)/r\(request)?pad=\(padding)"))
                                    _ = try await client.readResponse()
                                }
                                await client.close()
                            }
                        }
                        try await tasks.waitForAll()
                    }
                    await proxy.dataPlane.flushAccessLogForShutdown()
                }
            }
        } teardown: {
            try await group.shutdownGracefully()
        }

        let lines = try await pipe.closeAndReadAll().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the output ends with a whole line")
        // Each line's request, as `/c3/r17`, or nil for a line that is not one whole entry.
        let requestsLogged = lines.dropLast().map { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let target = (object?["uri"] as? String)?.split(separator: "?", maxSplits: 1)
            guard let target, target.count == 2, target[1] == "pad=\(padding)" else { return nil }
            return String(target[0])
        }
        #expect(!requestsLogged.contains(nil), "\(requestsLogged.filter { $0 == nil }.count) broken lines")
        let expected = (0..<connections).flatMap { connection in (0..<requests).map { "/c\(connection)/r\($0)" } }
        #expect(requestsLogged.compactMap { $0 }.sorted() == expected.sorted())
    }

    /// Lines still in a loop's buffer are written when the data plane is told the proxy is
    /// shutting down, and every later line at once.
    @Test func bufferedLinesAreWrittenAtShutdown() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        let log = AccessLog(flushInterval: .seconds(3600)) { line in lines.withLockedValue { $0.append(line) } }
        try await withProxy(upstream: .echo, configuration: ProxyConfiguration(accessLog: log)) { proxy, _ in
            let client = try await proxy.connect()
            for path in ["/a", "/b"] {
                try await client.send(get(path))
                _ = try await client.readResponse()
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(lines.withLockedValue { $0 }.isEmpty, "buffered for the flush interval")

            await proxy.dataPlane.flushAccessLogForShutdown()
            #expect(lines.withLockedValue { $0 }.count == 2)
            try await client.send(get("/late"))
            _ = try await client.readResponse()
            try await waitUntil(timeout: .seconds(2)) { lines.withLockedValue { $0 }.count == 3 }
        }
    }
}

/// The read end of a pipe drained by a thread of its own, whose write end is the access log's;
/// the pipe is as small as Linux allows (one page), so that writers often find it full.
private final class PipeReader: Sendable {
    let writeEnd: Int32
    private let readEnd: Int32
    private let output = NIOLockedValueBox<(bytes: [UInt8], ended: Bool)>(([], false))

    init() throws {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
        readEnd = ends[0]
        writeEnd = ends[1]
        _ = fcntl(writeEnd, Self.setPipeSize, 4096)
        let (readEnd, output) = (readEnd, output)
        Thread {
            var chunk = [UInt8](repeating: 0, count: 1000)
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                output.withLockedValue { $0.bytes += chunk[0..<count] }
            }
            Glibc.close(readEnd)
            output.withLockedValue { $0.ended = true }
        }.start()
    }

    /// Linux's `F_SETPIPE_SZ` (`F_LINUX_SPECIFIC_BASE + 7`), which Glibc's module does not export.
    private static let setPipeSize: Int32 = 1024 + 7

    /// Closes the write end and returns everything written to it.
    func closeAndReadAll() async throws -> String {
        Glibc.close(writeEnd)
        try await waitUntil { output.withLockedValue { $0.ended } }
        return String(decoding: output.withLockedValue { $0.bytes }, as: UTF8.self)
    }
}
