import Dispatch
import Foundation
import Synchronization

/// Waits for a termination signal through Dispatch signal sources. The signals are ignored at the
/// process level first, so their default action (exit without cleanup) never runs.
public enum TerminationSignal {
    /// Blocks the calling thread until one of `signals` arrives; returns it.
    public static func wait(for signals: [Int32]) -> Int32 {
        let received = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "novarec.http.signals")
        let caught = Caught()
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in
                caught.record(number)
                received.signal()
            }
            source.resume()
            return source
        }
        received.wait()
        sources.forEach { $0.cancel() }
        return caught.first ?? 0
    }

    /// The first signal caught, shared between the signal queue and the waiting thread.
    private final class Caught: Sendable {
        private let value = Mutex<Int32?>(nil)

        var first: Int32? { value.withLock { $0 } }

        func record(_ number: Int32) {
            value.withLock { if $0 == nil { $0 = number } }
        }
    }
}
