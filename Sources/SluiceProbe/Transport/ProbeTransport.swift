import Foundation

/// Runs probe requests off the Swift concurrency pool: each on a thread of its own, which
/// libcurl blocks while it waits for the network.
public enum ProbeTransport {
    public static func record(_ request: ProbeRequest) async -> Result<ProbeRecording, ProbeConnectionError> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: CurlProbeTransfer(request: request).run())
            }
            thread.name = "sluice-probe"
            thread.start()
        }
    }
}
