/// When a manifest watcher may hand a scan on, as a pure value fed one scan per poll.
///
/// Editors and tools often save in place (truncate, then write), so a poll can catch a file
/// empty (valid, empty YAML) or cut at a document boundary (valid, fewer objects). Publishing
/// that would take routes away for a poll. So:
///
/// - The first scan is loaded at once (startup stays prompt).
/// - A changed scan is loaded only once it has *settled*: two consecutive polls saw the same
///   fingerprint, so nothing was written for a whole poll interval.
/// - A file that contributed objects to the last load and is now empty (0 bytes) is taken to be
///   still being written: the scan must stay the same for `emptyFilePolls` polls before it is
///   loaded. A file truly emptied on purpose is loaded after that; a rewrite never is.
struct ManifestSettling {
    enum Decision: Equatable {
        /// Load this scan and publish it; then report the load with `loaded(filesWithObjects:)`.
        case load
        /// Nothing new, or not settled yet: poll again.
        case wait
    }

    /// Polls a scan with a newly emptied file must stay unchanged before it is loaded.
    let emptyFilePolls: Int

    private var lastLoaded: ManifestDirectory.Scan?
    private var filesWithObjects: Set<String> = []
    private var candidate: ManifestDirectory.Scan?
    /// How many polls after the first one have seen `candidate` unchanged.
    private var unchangedPolls = 0

    init(emptyFilePolls: Int) {
        self.emptyFilePolls = max(1, emptyFilePolls)
    }

    mutating func scanned(_ scan: ManifestDirectory.Scan) -> Decision {
        guard let lastLoaded else {
            candidate = nil
            return .load
        }
        if scan == lastLoaded {
            candidate = nil
            return .wait
        }
        guard scan == candidate else {
            candidate = scan
            unchangedPolls = 0
            return .wait
        }
        unchangedPolls += 1
        let emptiedFiles = scan.emptyFiles.intersection(filesWithObjects)
        let required = emptiedFiles.isEmpty ? 1 : emptyFilePolls
        return unchangedPolls >= required ? .load : .wait
    }

    /// Whether a changed scan is waiting to settle: the next scan must come one interval later.
    var isSettling: Bool { candidate != nil }

    /// Records what was loaded from the scan last decided `.load`.
    mutating func loaded(_ scan: ManifestDirectory.Scan, filesWithObjects: Set<String>) {
        lastLoaded = scan
        self.filesWithObjects = filesWithObjects
        candidate = nil
        unchangedPolls = 0
    }
}
