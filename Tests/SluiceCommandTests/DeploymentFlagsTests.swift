import Foundation
import SluiceTestSupport
import Testing
import Yams

/// The flags the shipped Deployment passes must be ones `sluice controller` accepts: a renamed
/// flag would otherwise crash-loop every pod while every YAML check still passes.
@Suite("Manifests/ flags against the binary")
struct DeploymentFlagsTests {
    @Test func deploymentArgumentsParse() async throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let yaml = try String(contentsOf: repository.appendingPathComponent("Manifests/05-deployment.yaml"), encoding: .utf8)
        let deployment = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let spec = try #require((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])
        let containers = try #require((spec["spec"] as? [String: Any])?["containers"] as? [[String: Any]])
        let args = try #require(containers.first?["args"] as? [String])
        #expect(args.contains { $0.hasPrefix("--publish-service=") })

        // A kubeconfig that does not exist stops the controller right after argument parsing.
        let result = try await ChildProcess.run(
            executable: SluiceProcess.executableURL.path,
            arguments: ["controller"] + args + ["--kubeconfig", "/nonexistent/kubeconfig"])
        let text = result.stdout + result.stderr
        #expect(text.contains("kubeconfig /nonexistent/kubeconfig"), "arguments were not accepted:\n\(text)")
        #expect(!text.contains("Usage:") && !text.contains("USAGE:"))
    }
}
