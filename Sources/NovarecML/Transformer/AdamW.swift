import CBLAS
import Foundation
import NovarecCore

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019) over a flat parameter buffer,
/// with global-norm gradient clipping. Weight decay applies to weight matrices only, never to
/// norm gains or biases.
struct AdamW {
    var beta1: Float = 0.9
    var beta2: Float = 0.999
    var epsilon: Float = 1e-8
    var weightDecay: Float
    private(set) var step = 0
    private var firstMoment: [Float]
    private var secondMoment: [Float]
    /// 1 where weight decay applies, 0 elsewhere (branch-free in the update loop).
    private let decayMask: [Float]

    init(parameters: ParameterSet, weightDecay: Float) {
        self.weightDecay = weightDecay
        firstMoment = parameters.zeros()
        secondMoment = parameters.zeros()
        var mask = [Float](repeating: 0, count: parameters.values.count)
        for entry in parameters.entries where entry.name.hasSuffix(".weight") && !entry.name.contains("norm") && !entry.name.contains("embedding") {
            for i in entry.offset..<(entry.offset + entry.count) { mask[i] = 1 }
        }
        self.decayMask = mask
    }

    /// Scales `gradients` so their global L2 norm is at most `maxNorm`; returns the norm before.
    static func clip(_ gradients: inout [Float], maxNorm: Float) -> Float {
        let norm = cblas_snrm2(Int32(gradients.count), gradients, 1)
        if norm > maxNorm, norm.isFinite { cblas_sscal(Int32(gradients.count), maxNorm / norm, &gradients, 1) }
        return norm
    }

    /// One Adam step over all parameters, split across two threads.
    mutating func update(_ values: inout [Float], gradients: [Float], learningRate: Float) {
        step += 1
        let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
        let stepSize = learningRate / (1 - pow(beta1, Float(step)))
        let inverseCorrection2 = 1 / (1 - pow(beta2, Float(step)))
        let decay = learningRate * weightDecay
        values.withUnsafeMutableBufferPointer { x in
            firstMoment.withUnsafeMutableBufferPointer { m in
                secondMoment.withUnsafeMutableBufferPointer { v in
                    gradients.withUnsafeBufferPointer { g in
                        decayMask.withUnsafeBufferPointer { mask in
                            let buffers = UnsafeSendable((x, m, v, g, mask))
                            _ = Parallel.mapChunks(count: g.count, chunks: 2) { range in
                                let (x, m, v, g, mask) = buffers.value
                                FloatLanes.forEach(count: range.count) { offset, lanes in
                                    let i = range.lowerBound + offset
                                    let gradient = FloatLanes.load(g.baseAddress! + i, count: lanes)
                                    let first = beta1 * FloatLanes.load(m.baseAddress! + i, count: lanes) + (1 - beta1) * gradient
                                    let second = beta2 * FloatLanes.load(v.baseAddress! + i, count: lanes) + (1 - beta2) * gradient * gradient
                                    let value = FloatLanes.load(x.baseAddress! + i, count: lanes)
                                    let decayed = decay * FloatLanes.load(mask.baseAddress! + i, count: lanes) * value
                                    let step = stepSize * first / ((second * inverseCorrection2).squareRoot() + epsilon)
                                    FloatLanes.store(first, m.baseAddress! + i, count: lanes)
                                    FloatLanes.store(second, v.baseAddress! + i, count: lanes)
                                    FloatLanes.store(value - decayed - step, x.baseAddress! + i, count: lanes)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
