import Autograd
import NN

/// Builds and initializes the model a run plan describes.
public enum ModelFactory {
    /// A freshly initialized model. Initialization draws from a generator seeded with the
    /// run's seed, so every rank builds the same model (rank 0's is broadcast anyway).
    public static func make(_ plan: RunPlan) -> Module {
        let c = plan.config
        let model: Module
        switch c.model {
        case .resnet1d where c.task == .classification:
            model = ResNet1dClassifier(inputs: c.inputFeatures, width: c.width, depth: c.depth, classes: c.outputs,
                                       activation: plan.activation, batchNorm: c.batchNorm, residual: c.residual)
        case .resnet1d:
            model = ResNet1d(inputs: c.inputFeatures, width: c.width, depth: c.depth, outputs: c.outputs,
                             activation: plan.activation, batchNorm: c.batchNorm, residual: c.residual)
        case .mlp:
            model = MLP(inputs: c.inputFeatures, width: c.width, depth: c.depth, outputs: c.outputs,
                        activation: plan.activation, batchNorm: c.batchNorm, residual: c.residual)
        }
        var generator = RandomGenerator(seed: c.seed)
        plan.initializer.apply(to: model, biasInit: c.biasInit.map { .constant($0) }, generator: &generator)
        return model
    }

    /// The weight parameters of the layers that carry the signal (Linear and Conv1d weights, not
    /// BatchNorm's), in forward order: the layers whose gradient norms show vanishing.
    public static func weightLayers(_ model: Module) -> [(name: String, tensor: Tensor)] {
        model.namedParameters().filter { $0.name.hasSuffix("weight") && $0.tensor.rank >= 2 }
    }

    /// The vanishing factor: the first weight layer's gradient norm over the last hidden one's
    /// (the output head excluded). Nil for models with fewer than three weight layers.
    public static func vanishingFactor(gradientNorms norms: [Double]) -> Double? {
        guard norms.count >= 3, norms[norms.count - 2] > 0 else { return nil }
        return norms[0] / norms[norms.count - 2]
    }
}
