import Dispatch

/// A connection's single timeout. Phases move the deadline on every request, so the Dispatch
/// timer is only re-armed when the deadline moves earlier; a later deadline is picked up when the
/// earlier one fires. Confined to the owner's serial queue (hence `@unchecked Sendable`).
final class DeadlineTimer: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    private var deadline: DispatchTime?
    private var armedFor: DispatchTime?

    init(queue: DispatchQueue) {
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    /// `onExpiry` runs on the queue once the deadline has passed; set it before `start()`.
    func setExpiryHandler(_ onExpiry: @escaping @Sendable () -> Void) {
        timer.setEventHandler { [self] in fired(onExpiry) }
    }

    /// The current deadline; nil when nothing is timed.
    var current: DispatchTime? { deadline }

    func start() { timer.resume() }

    func set(_ newDeadline: DispatchTime?) {
        deadline = newDeadline
        guard let newDeadline, armedFor.map({ newDeadline < $0 }) ?? true else { return }
        arm(newDeadline)
    }

    func set(secondsFromNow seconds: Double) { set(.now() + seconds) }

    /// Stops for good; releases the handler (and what it captured).
    func cancel() {
        deadline = nil
        timer.cancel()
    }

    private func arm(_ at: DispatchTime) {
        armedFor = at
        timer.schedule(deadline: at, leeway: .milliseconds(10))
    }

    private func fired(_ onExpiry: () -> Void) {
        armedFor = nil
        guard let deadline else { return }
        guard DispatchTime.now() >= deadline else { return arm(deadline) }
        self.deadline = nil
        onExpiry()
    }
}
