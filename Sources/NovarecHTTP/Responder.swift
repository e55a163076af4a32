import Synchronization

/// How a `Router.DeferredHandler` answers: exactly one of `respond` or `fail`, from any thread.
/// An error becomes the same problem response a throwing handler's would (`ProblemDetails` as
/// is, a known lower-layer error as its problem, anything else a bare 500); a second answer is
/// ignored, so a handler cannot write two responses.
public final class Responder: Sendable {
    private let route: String
    private let problemForError: (@Sendable (any Error) -> ProblemDetails?)?
    private let completion: @Sendable (RoutedResponse) -> Void
    private let answered = Atomic<Bool>(false)

    init(route: String, problemForError: (@Sendable (any Error) -> ProblemDetails?)?, completion: @escaping @Sendable (RoutedResponse) -> Void) {
        self.route = route
        self.problemForError = problemForError
        self.completion = completion
    }

    /// Answers with `response`.
    public func respond(_ response: HTTPResponse) {
        deliver(RoutedResponse(response: response, route: route))
    }

    /// Answers with the problem `error` stands for.
    public func fail(_ error: any Error) {
        deliver(Router.answer(route, error, problemForError: problemForError))
    }

    private func deliver(_ routed: RoutedResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        completion(routed)
    }
}
