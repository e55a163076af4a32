/// A checkpoint that cannot be used: unreadable, truncated, corrupted, of an unknown kind, or
/// with tensors that do not describe a valid model.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, naming the file where it is known.
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "invalid checkpoint: \(reason)" }
}
