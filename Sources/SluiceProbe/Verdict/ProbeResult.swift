/// One URL probed: what arrived and what was made of it, or why nothing arrived.
public struct ProbeResult: Sendable, Hashable {
    public var url: String
    public var outcome: Outcome

    public enum Outcome: Sendable, Hashable {
        case responded(ProbeAnalysis)
        case failed(ProbeConnectionError)
    }

    public init(url: String, outcome: Outcome) {
        self.url = url
        self.outcome = outcome
    }

    /// Analyses `recording` of `request` (pure).
    public init(request: ProbeRequest, attempt: Result<ProbeRecording, ProbeConnectionError>, expectations: ProbeExpectations) {
        switch attempt {
        case .success(let recording):
            self.init(url: request.url, outcome: .responded(ProbeAnalysis(recording, request: request, expectations: expectations)))
        case .failure(let error):
            self.init(url: request.url, outcome: .failed(error))
        }
    }

    public var analysis: ProbeAnalysis? {
        if case .responded(let analysis) = outcome { return analysis }
        return nil
    }
}

/// A response's events, gaps, buffering judgement and checks.
public struct ProbeAnalysis: Sendable, Hashable {
    public var recording: ProbeRecording
    public var gaps: GapSummary
    public var buffering: BufferingJudgement
    public var checks: [ProbeCheck]

    public init(_ recording: ProbeRecording, request: ProbeRequest, expectations: ProbeExpectations) {
        self.recording = recording
        let arrivals = recording.events.map(\.at)
        gaps = GapSummary(arrivals: arrivals)
        // The request leaves once the connection is ready: the first events' silence counts from there.
        let requestStart = recording.timings.tlsDone ?? recording.timings.connected ?? .zero
        buffering = expectations.rule.judge(arrivals: arrivals, requestStart: requestStart)
        checks = ProbeChecks.evaluate(recording, judgement: buffering, request: request, expectations: expectations)
    }

    public var firstEvent: Duration? { recording.events.first?.at }
    public var failedChecks: [ProbeCheck] { checks.filter { !$0.passed } }
}

/// A whole `sluice probe` run: the URL, the `--compare` URL if any, and the exit status.
public struct ProbeRun: Sendable, Hashable {
    public var primary: ProbeResult
    public var compared: ProbeResult?

    public init(primary: ProbeResult, compared: ProbeResult? = nil) {
        self.primary = primary
        self.compared = compared
    }

    public enum Verdict: Sendable, Hashable {
        /// Every check passed: exit 0.
        case passed
        /// These checks of the probed URL failed: exit 1.
        case failed([String])
        /// A URL gave no response (refused, TLS failure, silence): exit 2.
        case error

        public var exitCode: Int32 {
            switch self {
            case .passed: 0
            case .failed: 1
            case .error: 2
            }
        }

        public var name: String {
            switch self {
            case .passed: "passed"
            case .failed: "failed"
            case .error: "error"
            }
        }
    }

    /// The checks judge the probed URL; the compared one only has to answer.
    public var verdict: Verdict {
        guard let analysis = primary.analysis, compared.map({ $0.analysis != nil }) ?? true else { return .error }
        let failed = analysis.failedChecks.map(\.name)
        return failed.isEmpty ? .passed : .failed(failed)
    }
}
