/// A checkpoint's tensors by name, read back with the element type a model expects: a missing
/// tensor, or one of another dtype, is a `CheckpointError` naming it.
public struct CheckpointTensors: Sendable {
    private let byName: [String: SafeTensors.Tensor]

    public init(_ tensors: [SafeTensors.Tensor]) {
        byName = Dictionary(tensors.map { ($0.name, $0) }) { first, _ in first }
    }

    public func tensor(_ name: String) throws(CheckpointError) -> SafeTensors.Tensor {
        guard let tensor = byName[name] else { throw CheckpointError("tensor '\(name)' is missing") }
        return tensor
    }

    public func floats(_ name: String) throws(CheckpointError) -> [Float] {
        guard case .f32(let values) = try tensor(name).storage else { throw wrongType(name, "F32") }
        return values
    }

    public func int32s(_ name: String) throws(CheckpointError) -> [Int32] {
        guard case .i32(let values) = try tensor(name).storage else { throw wrongType(name, "I32") }
        return values
    }

    public func int64s(_ name: String) throws(CheckpointError) -> [Int64] {
        guard case .i64(let values) = try tensor(name).storage else { throw wrongType(name, "I64") }
        return values
    }

    private func wrongType(_ name: String, _ expected: String) -> CheckpointError {
        CheckpointError("tensor '\(name)' is \(byName[name]?.storage.dtype ?? "missing"), not \(expected)")
    }
}
