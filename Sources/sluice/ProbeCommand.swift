import ArgumentParser
import Foundation
import SluiceProbe

/// `sluice probe URL`: the streaming smoke test, for CI pipelines and people.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Check an event stream (SSE) for buffering, its first event, its gaps and its header fields.",
        discussion: """
            Requests URL as a streaming client does (Accept: text/event-stream, compression offered \
            as a browser does), times every event (an event arrives with the blank line that ends it) \
            and prints what it measured: connect, TLS, first byte, first event, the gaps between \
            events, events and bytes, total time. --compare probes a second URL the same way \
            afterwards (the Service, without the ingress) and prints the differences.

            Always checked: a 2xx status, Content-Type: text/event-stream, no Content-Length, no \
            Content-Encoding, a stream that did not break; with --http2, that HTTP/2 was spoken. \
            On request: --max-first-event, --min-events, --expect-no-buffering.

            Buffering rule: \(BufferingRule().summary). An event every 50 ms streams; everything in \
            one write at the end, or in 4 KiB bursts, is buffered. Fewer than 3 events are not \
            judged (--expect-no-buffering then fails). An upstream that itself writes events in \
            batches looks buffered too: --compare with its own URL tells which.

            Exit status: 0 every check passed; 1 a check failed (the report names it); 2 a usage \
            error, or no response from a URL (refused, TLS failure, silence for --timeout). An \
            endless stream is cut at --max-time and judged on what arrived.
            """
    )

    @Argument(help: "The event stream's URL (http:// or https://).") var url: String

    @Option(name: [.customShort("d"), .long], help: "Send this body, with POST.") var data: String?
    @Option(name: .customLong("data-file"), help: "Send this file's bytes, with POST.") var dataFile: String?
    @Option(name: [.customShort("H"), .customLong("header")], help: "A request header field, 'Name: value' (repeat for more).")
    var headers: [String] = []

    @Flag(name: .customLong("http1.1"), help: "Speak HTTP/1.1 only, also over TLS.") var http1_1 = false
    @Flag(help: "Speak HTTP/2: through ALPN over TLS, with prior knowledge (h2c) over plain HTTP; fails the http2 check if the server answered otherwise.")
    var http2 = false
    @Option(help: "Trust only the CA certificates in this PEM file.") var cacert: String?
    @Flag(name: [.customShort("k"), .long], help: "Do not verify the server's certificate.") var insecure = false
    @Flag(name: [.customShort("L"), .long], help: "Follow redirects (by default a 3xx is probed as it is, and fails the status check).")
    var location = false
    @Option(help: "HOST:PORT:ADDRESS: connect to ADDRESS for HOST:PORT, as curl's --resolve (repeat for more).")
    var resolve: [String] = []

    @Option(name: .customLong("connect-timeout"), help: "Limit for the TCP connection and the TLS handshake.")
    var connectTimeout = DurationArgument(.seconds(10))
    @Option(help: "The longest silence: before the response (then exit 2), or between two pieces of it (the probe stops and judges what arrived).")
    var timeout = DurationArgument(.seconds(30))
    @Option(name: .customLong("max-time"), help: "Limit for the whole probe of a URL: an endless stream is cut here and judged on what arrived.")
    var maxTime = DurationArgument(.seconds(60))

    @Option(name: .customLong("max-first-event"), help: "Check: the first event arrives within this, from the start of the request.")
    var maxFirstEvent: DurationArgument?
    @Option(name: .customLong("min-events"), help: "Check: at least this many events arrive.") var minEvents: Int?
    @Flag(name: .customLong("expect-no-buffering"), help: "Check: the buffering rule finds the events streamed, not buffered.")
    var expectNoBuffering = false

    @Option(help: "Probe this URL too, the same way (the Service directly, say), and print the differences.")
    var compare: String?
    @Flag(help: "Print the result as JSON (keys documented in the README).") var json = false

    func validate() throws {
        for target in [url] + (compare.map { [$0] } ?? []) {
            let lowered = target.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw ValidationError("\(target) is not an http:// or https:// URL")
            }
        }
        if http1_1 && http2 { throw ValidationError("--http1.1 and --http2 exclude each other") }
        if data != nil && dataFile != nil { throw ValidationError("--data and --data-file exclude each other") }
        for header in headers where !header.contains(":") {
            throw ValidationError("--header \(header.debugDescription) is not 'Name: value'")
        }
        for entry in resolve where entry.split(separator: ":", maxSplits: 2).count != 3 {
            throw ValidationError("--resolve \(entry.debugDescription) is not HOST:PORT:ADDRESS")
        }
        for (name, limit) in [("--connect-timeout", connectTimeout), ("--timeout", timeout), ("--max-time", maxTime)] where limit.duration <= .zero {
            throw ValidationError("\(name) must be longer than zero")
        }
        if let minEvents, minEvents < 0 { throw ValidationError("--min-events must not be negative") }
    }

    func run() async throws {
        // libcurl is told not to touch signals (CURLOPT_NOSIGNAL: it runs on threads of its
        // own), so a write to a connection the server reset must not kill the probe.
        signal(SIGPIPE, SIG_IGN)
        var body = data.map { Array($0.utf8) }
        if let dataFile {
            guard let bytes = FileManager.default.contents(atPath: dataFile) else {
                throw ValidationError("cannot read --data-file \(dataFile)")
            }
            body = Array(bytes)
        }
        let request = ProbeRequest(
            url: url, headers: headers, body: body,
            httpVersion: http2 ? .http2 : http1_1 ? .http1_1 : .automatic,
            tls: ProbeTLSOptions(caFile: cacert, insecure: insecure),
            followRedirects: location, resolve: resolve,
            limits: ProbeLimits(connect: connectTimeout.duration, idle: timeout.duration, total: maxTime.duration))
        let expectations = ProbeExpectations(
            maxFirstEvent: maxFirstEvent?.duration, minEvents: minEvents, noBuffering: expectNoBuffering)
        let run = await Probe.run(request, expectations: expectations, compare: compare)

        print(json ? ProbeJSONReport.render(run) : ProbeHumanReport.render(run), terminator: "")
        for result in [run.primary] + (run.compared.map { [$0] } ?? []) {
            if case .failed(let error) = result.outcome {
                FileHandle.standardError.write(Data("sluice probe: \(result.url): \(error.message)\n".utf8))
            }
        }
        let code = run.verdict.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    /// Whether `arguments` (the process's, program name first) run this command: its usage
    /// errors exit with 2, as its documentation says, not ArgumentParser's 64.
    static func isInvoked(by arguments: [String]) -> Bool {
        arguments.dropFirst().first == configuration.commandName
    }
}
