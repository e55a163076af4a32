import Testing

@testable import NovarecService

/// A thread keeps one score buffer across uses, grows it when a batch needs more, and a nested
/// use never shares it.
struct ScoreBufferTests {
    @Test func aThreadReusesItsBufferAndANestedUseGetsItsOwn() {
        let first = ScoreBuffer.withFloats(64) { buffer in
            buffer.initialize(repeating: 1)
            return UInt(bitPattern: buffer.baseAddress)
        }
        #expect(ScoreBuffer.withFloats(16) { UInt(bitPattern: $0.baseAddress) } == first, "a smaller batch reuses it")
        ScoreBuffer.withFloats(64) { outer in
            ScoreBuffer.withFloats(64) { inner in
                #expect(inner.baseAddress != outer.baseAddress)
                #expect(inner.count == 64)
            }
        }
        let grown = ScoreBuffer.withFloats(1 << 20) { buffer in
            buffer.initialize(repeating: 2)  // every float of it is writable
            return buffer.count
        }
        #expect(grown == 1 << 20)
    }
}
