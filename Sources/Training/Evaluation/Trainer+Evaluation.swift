import Autograd
import Collectives

extension Trainer {
    /// Validation loss (and accuracy for classification) over the held-out split. Each rank
    /// takes a rank-strided share without padding, so no sample counts twice.
    func evaluate() throws -> Evaluation? {
        guard let validation else { return nil }
        model.eval()
        defer { model.train() }
        let mine = Array(stride(from: communicator.rank, to: validation.count, by: communicator.worldSize))
        var totals = [0.0, 0.0, 0.0]  // loss × samples, samples, correct
        withoutGradients {
            var start = 0
            while start < mine.count {
                let idx = Array(mine[start..<min(start + 1024, mine.count)])
                let b = validation.batch(idx)
                let out = model(b.inputs)
                totals[0] += Double(loss(out, targets: b.targets, labels: b.labels).item()) * Double(idx.count)
                totals[1] += Double(idx.count)
                if let labels = b.labels {
                    let c = out.shape[1]
                    for (r, label) in labels.enumerated() {
                        let row = out.pointer + r * c
                        var best = 0
                        for j in 1..<c where row[j] > row[best] { best = j }
                        if best == label { totals[2] += 1 }
                    }
                }
                start += idx.count
            }
        }
        if communicator.worldSize > 1 { totals.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .sum) } }
        guard totals[1] > 0 else { return nil }
        return Evaluation(loss: totals[0] / totals[1], accuracy: validation.labels != nil ? totals[2] / totals[1] : nil)
    }
}
