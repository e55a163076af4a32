import Foundation

/// Work postponed to the end of the calling thread's current turn, on that same thread.
///
/// A thread that works in turns — an event loop: wait for readiness, handle what is ready, repeat
/// — installs a scheduler for itself. Code it calls can then gather what the turn produces and
/// process it together once the turn's events are handled: requests that need a model's scores
/// are scored as one batch on the loop that read them, and answered and written there, instead
/// of crossing to a scoring thread and back (each crossing a wake-up, which under load waits for
/// a time slice). On a thread without turns `schedule` declines and the caller does what it
/// would do without one.
public enum EndOfTurn {
    /// Runs work at the end of its thread's current turn; called only on that thread.
    public typealias Scheduler = @Sendable (@escaping @Sendable () -> Void) -> Void

    private final class Box: Sendable {
        let scheduler: Scheduler
        init(_ scheduler: @escaping Scheduler) { self.scheduler = scheduler }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { box in box.map { Unmanaged<Box>.fromOpaque($0).release() } }
        precondition(created == 0, "pthread_key_create failed")
        return key
    }()

    /// Makes the calling thread's turns run postponed work through `scheduler` (nil: no more).
    public static func install(_ scheduler: Scheduler?) {
        if let old = pthread_getspecific(key) { Unmanaged<Box>.fromOpaque(old).release() }
        let box = scheduler.map { Unmanaged.passRetained(Box($0)).toOpaque() }
        pthread_setspecific(key, box)
    }

    /// Whether the calling thread works in turns.
    public static var isAvailable: Bool { pthread_getspecific(key) != nil }

    /// Runs `work` at the end of the calling thread's current turn; false, and nothing
    /// scheduled, when the thread does not work in turns.
    @discardableResult
    public static func schedule(_ work: @escaping @Sendable () -> Void) -> Bool {
        guard let box = pthread_getspecific(key) else { return false }
        Unmanaged<Box>.fromOpaque(box).takeUnretainedValue().scheduler(work)
        return true
    }
}
