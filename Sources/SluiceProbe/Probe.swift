/// `sluice probe`: requests a URL the way a streaming client does, measures when the events
/// arrive, judges whether they were buffered, and checks what was asked. Probes the `--compare`
/// URL afterwards (not at the same time, so neither slows the other down).
public enum Probe {
    public static func run(_ request: ProbeRequest, expectations: ProbeExpectations, compare: String? = nil) async -> ProbeRun {
        let primary = ProbeResult(request: request, attempt: await ProbeTransport.record(request), expectations: expectations)
        guard let compare else { return ProbeRun(primary: primary) }
        let other = request.to(compare)
        let compared = ProbeResult(request: other, attempt: await ProbeTransport.record(other), expectations: expectations)
        return ProbeRun(primary: primary, compared: compared)
    }
}
