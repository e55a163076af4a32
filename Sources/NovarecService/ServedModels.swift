import Foundation
import Synchronization

/// The model requests are answered with, and for a while after a swap the one before it.
///
/// Swapping a model makes every cached candidate list stale at once; scoring them all afresh on
/// the next requests would stall a loaded replica just when the new model arrives. So a swap
/// opens a handover: the previous model keeps answering the users whose cached candidates are
/// its own, while a background pass re-scores them for the new model; it ends when that pass
/// is done or after the handover time, whichever comes first. Every answer names the model
/// version that produced it.
final class ServedModels: Sendable {
    private struct State {
        var current: ServingModel
        var previous: ServingModel?
        var handoverEnds = Date.distantPast
    }

    private let state: Mutex<State>
    /// The time handovers are measured in (a test's manual clock, else the wall clock).
    let now: @Sendable () -> Date

    init(_ model: ServingModel, clock: @escaping @Sendable () -> Date = { Date() }) {
        state = Mutex(State(current: model))
        now = clock
    }

    var current: ServingModel { state.withLock { $0.current } }

    /// The previous model while its handover lasts.
    var handingOver: ServingModel? {
        let time = now()
        return state.withLock { state in time < state.handoverEnds ? state.previous : nil }
    }

    var handoverEnds: Date { state.withLock { $0.handoverEnds } }

    /// Seconds until the handover ends (0 when none is open).
    var handoverSecondsLeft: Double { max(handoverEnds.timeIntervalSince(now()), 0) }

    /// Serves `model` from now on; the one it replaces keeps answering its cached users for at
    /// most `handover` seconds (a popularity model has no cached users to hand over).
    func swap(to model: ServingModel, handover: TimeInterval) {
        let time = now()
        state.withLock { state in
            state.previous = handover > 0 && state.current.model != nil ? state.current : nil
            state.handoverEnds = state.previous == nil ? .distantPast : time.addingTimeInterval(handover)
            state.current = model
        }
    }

    /// Ends the handover from `version`, unless a later swap already opened another.
    func endHandover(from version: String) {
        state.withLock { state in
            guard state.previous?.version == version else { return }
            state.previous = nil
            state.handoverEnds = .distantPast
        }
    }

    /// Changes the current model in place (the popularity fallback growing its catalogue).
    func update(_ body: (inout ServingModel) -> Void) { state.withLock { body(&$0.current) } }
}
