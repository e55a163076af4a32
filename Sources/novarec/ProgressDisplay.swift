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
        var printedAny = false
    }

    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let logInterval: TimeInterval = 10
    private let state = Mutex(TaskState())

    func update(task: String, done: Int, total: Int) {
        let now = Date()
        let line: String? = state.withLock { current in
            if current.name != task || done == 0 {
                current = TaskState(name: task, started: now, lastPrinted: isTerminal ? .distantPast : now)
            }
            guard shouldPrint(current, done: done, total: total, now: now) else { return nil }
            current.printedAny = true
            current.lastPrinted = now
            return ProgressDisplay.describe(task: task, done: done, total: total, elapsed: now.timeIntervalSince(current.started))
        }
        guard let line else { return }
        let text = isTerminal ? "\r\u{1B}[2K" + line + (done >= total ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Terminal: at most ten updates a second and the final one. Logs: one line per
    /// `logInterval`, and a final line only for tasks long enough to have printed before.
    private func shouldPrint(_ task: TaskState, done: Int, total: Int, now: Date) -> Bool {
        let due = now.timeIntervalSince(task.lastPrinted) >= (isTerminal ? 0.1 : logInterval)
        guard done >= total else { return due && done > 0 }
        return isTerminal || task.printedAny
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
