import Foundation
@testable import SluiceManifests
import Testing

@Suite("Manifest settling")
struct ManifestSettlingTests {
    /// A scan of files given as path → (size, content hash); each distinct version gets its
    /// own modification time, as a write would.
    static func scan(_ files: [String: (size: Int64, hash: UInt64)]) -> ManifestDirectory.Scan {
        let entries = files.sorted { $0.key < $1.key }.map { path, version in
            ManifestDirectory.Entry(
                path: path,
                status: FileStatus(
                    kind: .regular, device: 1, inode: 1, size: version.size, modified: Int64(version.hash),
                    changed: Int64(version.hash)),
                contentHash: version.hash)
        }
        return ManifestDirectory.Scan(files: [], fingerprint: entries)
    }

    @Test func theFirstScanLoadsAtOnce() {
        var settling = ManifestSettling(emptyFilePolls: 5)
        #expect(settling.scanned(Self.scan(["a.yaml": (10, 1)])) == .load)
    }

    @Test func aChangeLoadsOnlyOnceTwoPollsAgree() {
        var settling = ManifestSettling(emptyFilePolls: 5)
        let first = Self.scan(["a.yaml": (10, 1)])
        #expect(settling.scanned(first) == .load)
        settling.loaded(first, filesWithObjects: ["a.yaml"])
        #expect(settling.scanned(first) == .wait)

        let half = Self.scan(["a.yaml": (5, 2)])
        let whole = Self.scan(["a.yaml": (20, 3)])
        #expect(settling.scanned(half) == .wait)
        #expect(settling.scanned(whole) == .wait)
        #expect(settling.scanned(whole) == .load)
        settling.loaded(whole, filesWithObjects: ["a.yaml"])
        #expect(settling.scanned(whole) == .wait)
    }

    @Test func aFileEmptiedAfterHoldingObjectsWaitsForTheHold() {
        var settling = ManifestSettling(emptyFilePolls: 3)
        let first = Self.scan(["a.yaml": (10, 1), "b.yaml": (10, 2)])
        #expect(settling.scanned(first) == .load)
        settling.loaded(first, filesWithObjects: ["a.yaml", "b.yaml"])

        let truncated = Self.scan(["a.yaml": (10, 1), "b.yaml": (0, 0)])
        #expect(settling.scanned(truncated) == .wait)
        #expect(settling.scanned(truncated) == .wait)
        #expect(settling.scanned(truncated) == .wait)
        #expect(settling.scanned(truncated) == .load, "emptied on purpose: loaded after the hold")
    }

    @Test func aRewriteAfterTruncationLoadsTheNewContentsNotTheEmptyFile() {
        var settling = ManifestSettling(emptyFilePolls: 10)
        let first = Self.scan(["b.yaml": (10, 1)])
        _ = settling.scanned(first)
        settling.loaded(first, filesWithObjects: ["b.yaml"])

        let truncated = Self.scan(["b.yaml": (0, 0)])
        for _ in 0..<5 { #expect(settling.scanned(truncated) == .wait) }
        let rewritten = Self.scan(["b.yaml": (12, 4)])
        #expect(settling.scanned(rewritten) == .wait)
        #expect(settling.scanned(rewritten) == .load)
    }

    @Test func anEmptyFileThatNeverHeldObjectsSettlesNormally() {
        var settling = ManifestSettling(emptyFilePolls: 10)
        let first = Self.scan(["a.yaml": (10, 1)])
        _ = settling.scanned(first)
        settling.loaded(first, filesWithObjects: ["a.yaml"])

        let added = Self.scan(["a.yaml": (10, 1), "new.yaml": (0, 0)])
        #expect(settling.scanned(added) == .wait)
        #expect(settling.scanned(added) == .load)
    }
}
