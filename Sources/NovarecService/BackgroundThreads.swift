import Foundation

/// Threads a component starts and must see finish before it reports itself stopped, so that a
/// process exits only after its background work (a training run, a listener) has ended instead
/// of tearing down memory under it.
final class BackgroundThreads: Sendable {
    private let group = DispatchGroup()

    /// Runs `body` on a new thread named `name`.
    func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread { [group] in
            body()
            group.leave()
        }
        thread.name = name
        thread.start()
    }

    /// Waits until every started thread returned.
    func join() { group.wait() }
}
