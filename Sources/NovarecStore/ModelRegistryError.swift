/// A change the model registry refused because of the registry's state rather than a database
/// failure, so callers can answer it as a conflict instead of an outage.
public enum ModelRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A rollback needs an accepted model older than the serving one.
    case noPreviousModel(current: String?)
    /// `finish` on a version that is unknown or no longer `training` (e.g. already marked
    /// interrupted by a new leader).
    case notTraining(version: String)
    /// `finish` with a state that does not end a run (`training`, `rolledBack`).
    case notAnOutcome(ModelState)
    /// An accepted run must come with its checkpoint and its SHA-256.
    case checkpointMissing(version: String)
    /// A stored checkpoint whose file is gone or unreadable, or whose bytes do not decode.
    case checkpointUnreadable(version: String, detail: String)

    public var description: String {
        switch self {
        case .noPreviousModel(let current?): "cannot roll back: no accepted model older than \(current)"
        case .noPreviousModel(nil): "cannot roll back: no model is accepted"
        case .notTraining(let version): "model \(version) is not in training"
        case .notAnOutcome(let state): "\(state.rawValue) does not end a training run"
        case .checkpointMissing(let version): "accepted model \(version) needs a checkpoint and its sha256"
        case .checkpointUnreadable(let version, let detail): "checkpoint of \(version) cannot be read: \(detail)"
        }
    }
}
