import Foundation
import NovarecCore
import Synchronization

/// Shows progress of long steps on standard error: a live, rewritten line (done/total, rate, ETA)
/// on a terminal, and a plain line every `logInterval` seconds otherwise (logs, CI).
final class ProgressDisplay: ProgressObserver {
    private struct TaskState {
        var name = ""
        var started = Date()
        var lastPrinted = Date.distantPast
    }

    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let logInterval: TimeInterval = 10
    private let state = Mutex(TaskState())

    func update(task: String, done: Int, total: Int) {
        let now = Date()
        let line: String? = state.withLock { current in
            if current.name != task {
                current = TaskState(name: task, started: now, lastPrinted: .distantPast)
            }
            let finished = done >= total
            let interval = isTerminal ? 0.1 : logInterval
            guard finished || now.timeIntervalSince(current.lastPrinted) >= interval else { return nil }
            current.lastPrinted = now
            return ProgressDisplay.describe(task: task, done: done, total: total, elapsed: now.timeIntervalSince(current.started))
        }
        guard let line else { return }
        let finished = done >= total
        let text = isTerminal ? "\r\u{1B}[2K" + line + (finished ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func describe(task: String, done: Int, total: Int, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        var line = String(format: "%@: %d/%d (%.0f%%) %.0f/s", task, done, total, percent, rate)
        if done >= total {
            line += String(format: " done in %.1fs", elapsed)
        } else if rate > 0 {
            line += String(format: " ETA %.0fs", Double(total - done) / rate)
        }
        return line
    }
}
