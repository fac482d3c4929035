import Glibc
import SluiceTestSupport
import Testing

/// The tests' own process starter (not Foundation's `Process`, which crashed the test runner):
/// the child gets no descriptor of the runner's but its standard streams, signals reach it, and
/// its exit is told apart from a kill.
@Suite("SpawnedProcess")
struct SpawnedProcessTests {
    @Test func theChildInheritsOnlyItsStandardStreams() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)  // not close-on-exec: only the file actions keep it out
        defer { ends.forEach { _ = close($0) } }
        let result = try await ChildProcess.run(executable: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd"])
        let descriptors = Set(result.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors.isSubset(of: [0, 1, 2, 3]), "open in the child: \(descriptors.sorted())")
        #expect(result.exitCode == 0)
    }

    @Test func exitCodesAndSignalsAreReported() async throws {
        let failed = try await ChildProcess.run(executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"])
        #expect(failed.exitCode == 3)
        #expect(failed.stdout == "out\n" && failed.stderr == "err\n")

        let sleeper = try SpawnedProcess(executable: "/bin/sleep", arguments: ["30"])
        #expect(sleeper.isRunning)
        sleeper.send(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while sleeper.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sleeper.exitStatus == 128 + SIGTERM)
    }

    @Test func aMissingProgramIsAnError() {
        #expect(throws: SpawnError.self) { try SpawnedProcess(executable: "/nonexistent/program", arguments: []) }
    }
}
