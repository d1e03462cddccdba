import Autograd
import NN

/// Statistics of one activation layer's outputs, gathered over a diagnostic step's
/// micro-batches and then summed across ranks.
///
/// A *unit* is one output feature: a column of an `[N, F]` output, or one (channel, position)
/// of an `[N, C, L]` convolution output. An element is one unit's value for one sample.
struct ActivationAccumulator {
    let name: String
    let kind: ActivationKind
    private(set) var sum = 0.0
    private(set) var sumOfSquares = 0.0
    private(set) var count = 0.0
    /// Elements whose derivative is below 5% of the function's maximum (sigmoid and tanh).
    private(set) var saturated = 0.0
    /// Per unit: 1 once any element was > 0, so 0 marks a unit dead for the whole batch.
    private(set) var active: [Double] = []
    /// A strided sample of outputs for a histogram (kept only when asked for).
    private(set) var sample: [Float] = []

    init(name: String, kind: ActivationKind) {
        self.name = name
        self.kind = kind
    }

    /// Whether the layer can saturate (sigmoid, tanh); the others are ReLU-like and can die.
    var saturates: Bool { kind.saturates }

    /// Derivative thresholds, 5% of the maximum: σ' = y(1−y) peaks at 1/4, tanh' = 1−y² at 1.
    static func isSaturated(_ y: Float, kind: ActivationKind) -> Bool {
        switch kind {
        case .sigmoid: y * (1 - y) < 0.05 * 0.25
        case .tanh: 1 - y * y < 0.05
        default: false
        }
    }

    /// Adds one micro-batch's outputs `y` (first axis: samples).
    mutating func add(_ y: Tensor, sampleLimit: Int) {
        guard y.count > 0, let samples = y.shape.first, samples > 0 else { return }
        let units = y.count / samples
        if active.count != units { active = [Double](repeating: 0, count: units) }
        let p = y.pointer
        var s = 0.0, sq = 0.0, sat = 0.0
        let kind = self.kind
        let checkSaturation = kind.saturates
        active.withUnsafeMutableBufferPointer { flags in
            for row in 0..<samples {
                let base = p + row * units
                for u in 0..<units {
                    let v = base[u]
                    let d = Double(v)
                    s += d
                    sq += d * d
                    if v > 0 { flags[u] = 1 }
                    if checkSaturation && Self.isSaturated(v, kind: kind) { sat += 1 }
                }
            }
        }
        sum += s
        sumOfSquares += sq
        count += Double(y.count)
        saturated += sat
        if sampleLimit > 0 && sample.isEmpty {
            let stride = max(1, (y.count + sampleLimit - 1) / sampleLimit)
            sample = Swift.stride(from: 0, to: y.count, by: stride).map { p[$0] }
        }
    }

    /// The sums to reduce across ranks: [sum, sum of squares, count, saturated, active…].
    var reducible: [Double] { [sum, sumOfSquares, count, saturated] + active }

    /// Adopts sums reduced across ranks (a slice of the same layout as `reducible`).
    mutating func adopt(_ reduced: ArraySlice<Double>) {
        let v = Array(reduced)
        guard v.count == 4 + active.count else { return }
        sum = v[0]; sumOfSquares = v[1]; count = v[2]; saturated = v[3]
        active = Array(v[4...])
    }

    /// The record for metrics.
    var record: DiagnosticsRecord.Activation {
        let n = max(count, 1)
        let mean = sum / n
        let std = max(0, sumOfSquares / n - mean * mean).squareRoot()
        let dead: Double? = saturates || active.isEmpty
            ? nil : Double(active.filter { $0 == 0 }.count) / Double(active.count)
        return DiagnosticsRecord.Activation(name: name, mean: mean, std: std,
                                            saturatedFraction: saturates ? saturated / n : nil,
                                            deadFraction: dead)
    }
}
