import Foundation

#if !_endian(little)
    #error("safetensors data is little-endian; this reader and writer copy it as the host's bytes")
#endif

extension SafeTensors {
    /// One named tensor: its shape and its elements, 32-bit floats (model weights) or 32/64-bit
    /// signed integers (exact indices, such as a sparse matrix's row starts and columns).
    public struct Tensor: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let storage: Storage

        /// An `F32` tensor.
        public init(name: String, shape: [Int], values: [Float]) {
            self.init(name: name, shape: shape, storage: .f32(values))
        }

        public init(name: String, shape: [Int], storage: Storage) {
            precondition(Tensor.elementCount(of: shape) == storage.count, "shape does not match value count for \(name)")
            self.name = name
            self.shape = shape
            self.storage = storage
        }

        /// How many elements `shape` holds; nil for a negative dimension or a product beyond `Int`
        /// (a file's header is untrusted: its shape must never trap the reader).
        static func elementCount(of shape: [Int]) -> Int? {
            shape.reduce(Optional(1)) { product, dimension in
                guard let product, dimension >= 0 else { return nil }
                let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
                return overflow ? nil : result
            }
        }

        /// The elements of an `F32` tensor; empty for an integer tensor.
        public var values: [Float] {
            if case .f32(let values) = storage { values } else { [] }
        }
    }

    /// A tensor's elements with their safetensors dtype.
    public enum Storage: Sendable, Equatable {
        case f32([Float])
        case i32([Int32])
        case i64([Int64])

        /// The safetensors dtype name.
        public var dtype: String {
            switch self {
            case .f32: "F32"
            case .i32: "I32"
            case .i64: "I64"
            }
        }

        public var count: Int {
            switch self {
            case .f32(let values): values.count
            case .i32(let values): values.count
            case .i64(let values): values.count
            }
        }

        /// Bytes per element of a supported dtype; nil for any other.
        static func elementSize(of dtype: String) -> Int? {
            ["F32": 4, "I32": 4, "I64": 8][dtype]
        }

        /// Appends the elements as little-endian bytes (the host's order).
        func append(to data: inout Data) {
            switch self {
            case .f32(let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
            case .i32(let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
            case .i64(let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }

        /// The elements of `dtype` in little-endian `bytes` (whose count is a multiple of its size).
        static func decode(dtype: String, bytes: Data) -> Storage? {
            switch dtype {
            case "F32": .f32(load(Float.self, from: bytes))
            case "I32": .i32(load(Int32.self, from: bytes))
            case "I64": .i64(load(Int64.self, from: bytes))
            default: nil
            }
        }

        /// Copies the bytes (possibly unaligned) into an array of `T`.
        private static func load<T: BitwiseCopyable>(_ type: T.Type, from bytes: Data) -> [T] {
            let count = bytes.count / MemoryLayout<T>.stride
            return bytes.withUnsafeBytes { raw in
                [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * MemoryLayout<T>.stride)]))
                    initialized = count
                }
            }
        }
    }
}
