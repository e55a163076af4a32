/// Floating-point operations of one training epoch, counted from the shapes (multiply-add = 2
/// FLOPs; backward = 2 × forward for every product), for reporting achieved GFLOP/s.
public enum TrainingCost {
    public static func flopsPerEpoch(
        configuration c: SASRecConfiguration, sequences: [ArraySlice<Int32>], objective: SASRecTrainingOptions.Objective,
        softmaxItems: Int? = nil
    ) -> Double {
        let instances = TrainingInstances(sequences: sequences, objective: objective, maxLength: c.maxLength).instances
        let d = Double(c.dimension)
        let inner = Double(c.innerDimension)
        let headWidth = d / Double(c.heads)
        let items = Double(softmaxItems ?? c.itemCount)
        var forward = 0.0
        for instance in instances {
            let tokens = Double(instance.input.count)
            let lossRows = Double(instance.targets.count)
            let perLayer = 2 * tokens * (d * 3 * d + d * d + 2 * d * inner) + 2 * Double(c.heads) * 2 * tokens * tokens * headWidth
            forward += Double(c.layers) * perLayer + 2 * lossRows * d * items
        }
        return 3 * forward
    }
}
