import Autograd

/// The seed's deep MLP (Example 1's `DeepNet`) and its variants.
///
/// `depth` hidden layers of `width` units, so `depth` = 10 gives 11 Linear layers, as the seed's
/// `num_layers`. Parameters are named as PyTorch names the seed's model (`model.0.weight`, …),
/// so a `state_dict()` saved from it loads one to one. Options:
/// - `batchNorm`: BatchNorm1d between each hidden Linear and its activation;
/// - `residual`: x + act(Linear(x)) around each hidden layer after the first (named
///   `model.k.body.*`).
public final class MLP: Module {
    /// The layers in order (Linear, optional BatchNorm1d, activation, …, output Linear), named `model`.
    public let model: Sequential

    /// Builds `depth` hidden layers of `width` units between `inputs` features and `outputs` logits.
    ///
    /// Parameters start at zero; initialize them (or load a state dict) before training.
    public init(inputs: Int, width: Int, depth: Int, outputs: Int, activation: ActivationKind,
                batchNorm: Bool = false, residual: Bool = false) {
        precondition(depth >= 1 && width >= 1, "MLP needs depth ≥ 1 and width ≥ 1")
        var layers: [Module] = []
        func hidden(_ fanIn: Int) -> [Module] {
            var block: [Module] = [Linear(fanIn, width)]
            if batchNorm { block.append(BatchNorm1d(width)) }
            block.append(Activation(activation))
            return block
        }
        layers += hidden(inputs)
        for _ in 1..<depth {
            if residual { layers.append(Residual(Sequential(hidden(width)))) } else { layers += hidden(width) }
        }
        layers.append(Linear(width, outputs))
        model = Sequential(layers)
        super.init()
        registerModule("model", model)
    }

    /// Maps input `[N, inputs]` to output `[N, outputs]`.
    public override func forward(_ x: Tensor) -> Tensor { model(x) }
}
