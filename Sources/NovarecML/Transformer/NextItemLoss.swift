/// A next-item training loss on final token states, with the output layer tied to the item
/// embeddings. Implementations differ in which items the softmax runs over.
protocol NextItemLoss: Sendable {
    /// Mean loss over `targets` (one per state row); writes `dStates` (`rows × d`) and adds to
    /// `dEmbeddings` (`itemCount × d`). `random` seeds any sampling.
    func evaluate(
        states: UnsafePointer<Float>, targets: [Int32], embeddings: UnsafePointer<Float>,
        dStates: UnsafeMutablePointer<Float>, dEmbeddings: UnsafeMutablePointer<Float>, random: UInt64
    ) -> Double
}
