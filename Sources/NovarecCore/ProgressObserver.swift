import Synchronization

/// Receives progress of long-running steps (tuning, evaluation, training). The library reports;
/// a front end (the CLI's terminal or log display) decides how and how often to show it.
public protocol ProgressObserver: Sendable {
    func update(task: String, done: Int, total: Int)
}

/// Counts finished units of one task from any thread and forwards the count to an observer.
public final class ProgressCounter: Sendable {
    private let task: String
    private let total: Int
    private let observer: (any ProgressObserver)?
    private let done = Mutex(0)

    public init(task: String, total: Int, observer: (any ProgressObserver)?) {
        self.task = task
        self.total = total
        self.observer = observer
        observer?.update(task: task, done: 0, total: total)
    }

    public func advance(by units: Int = 1) {
        guard let observer else { return }
        let now = done.withLock { count in
            count += units
            return count
        }
        observer.update(task: task, done: now, total: total)
    }
}
