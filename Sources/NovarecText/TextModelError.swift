/// A text model (weights, vocabulary or configuration) that cannot be used: missing, truncated,
/// of the wrong shape, or inconsistent with itself. The reason names the file.
public struct TextModelError: Error, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "invalid text model: \(reason)" }
}
