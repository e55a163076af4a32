import Foundation

/// An event loop's buffer for its scoring batches' rows (`batch × catalogue` floats), kept and
/// grown instead of allocated per batch: at a steady rate a batch holds one to four users, so a
/// fresh 48–200 KB allocation came with nearly every request. Only long-lived threads should
/// keep one (the event loops, a few per process); a thread scores one batch at a time, and a
/// nested use (none today) gets a buffer of its own.
enum ScoreBuffer {
    private final class Storage {
        var floats = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
        deinit { floats.deallocate() }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { storage in storage.map { Unmanaged<Storage>.fromOpaque($0).release() } }
        precondition(created == 0, "pthread_key_create failed")
        return key
    }()

    /// Runs `body` with `count` uninitialised floats that stay the calling thread's afterwards.
    static func withFloats<T>(_ count: Int, _ body: (UnsafeMutableBufferPointer<Float>) throws -> T) rethrows -> T {
        let storage = take() ?? Storage()
        defer { keep(storage) }
        if storage.floats.count < count {
            storage.floats.deallocate()
            storage.floats = .allocate(capacity: count)
        }
        return try body(UnsafeMutableBufferPointer(rebasing: storage.floats[..<count]))
    }

    /// The thread's buffer, which is no longer its own while in use.
    private static func take() -> Storage? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        pthread_setspecific(key, nil)
        return Unmanaged<Storage>.fromOpaque(pointer).takeRetainedValue()
    }

    private static func keep(_ storage: Storage) {
        // A nested use kept its buffer first: the outer (larger or equal) one replaces it.
        if let nested = pthread_getspecific(key) { Unmanaged<Storage>.fromOpaque(nested).release() }
        pthread_setspecific(key, Unmanaged.passRetained(storage).toOpaque())
    }
}
