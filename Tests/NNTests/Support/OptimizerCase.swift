import Autograd
import NN

/// One case of `optimizers.json`: a 6-element float32 parameter, its gradient before each
/// `step()`, and PyTorch's parameter after each step.
struct OptimizerCase: Decodable {
    let name: String
    /// "sgd", "adam", "adamw" or "rmsprop".
    let optimizer: String
    let options: OptimizerOptions
    let initial: [Float]
    let gradients: [[Float]]
    let expected: [[Float]]
}

/// Every constructor argument PyTorch's optimizer was given, defaults filled in, in PyTorch's
/// spelling. Which ones are present depends on the optimizer.
struct OptimizerOptions: Decodable {
    let lr: Float
    let momentum: Float?
    let dampening: Float?
    let nesterov: Bool?
    let weightDecay: Float?
    let betas: [Float]?
    let eps: Float?
    let amsgrad: Bool?
    let alpha: Float?
    let centered: Bool?

    enum CodingKeys: String, CodingKey {
        case lr, momentum, dampening, nesterov, betas, eps, amsgrad, alpha, centered
        case weightDecay = "weight_decay"
    }
}

/// A fixture case this suite cannot map onto ddp-train's optimizers.
struct UnsupportedFixture: Error, CustomStringConvertible {
    let description: String
}

extension OptimizerCase {
    /// The ddp-train optimizer matching PyTorch's, over `parameters`, with every option taken
    /// from the fixture (PyTorch's kwargs, defaults filled in) rather than from either side's
    /// defaults, so a changed default on either side cannot hide a difference.
    func makeOptimizer(parameters: [Tensor]) throws -> Optimizer {
        func require<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else {
                throw UnsupportedFixture(description: "optimizers.json case '\(name)': options lack '\(key)'")
            }
            return value
        }
        let o = options
        switch optimizer {
        case "sgd":
            return SGD(parameters: parameters, learningRate: o.lr,
                       momentum: try require(o.momentum, "momentum"),
                       dampening: try require(o.dampening, "dampening"),
                       nesterov: try require(o.nesterov, "nesterov"),
                       weightDecay: try require(o.weightDecay, "weight_decay"))
        case "adam", "adamw":
            let betas = try require(o.betas, "betas")
            guard betas.count == 2 else {
                throw UnsupportedFixture(description: "case '\(name)': betas has \(betas.count) entries, not 2")
            }
            guard try require(o.amsgrad, "amsgrad") == false else {
                throw UnsupportedFixture(description: "case '\(name)': AMSGrad is not implemented")
            }
            return Adam(parameters: parameters, learningRate: o.lr, beta1: betas[0], beta2: betas[1],
                        eps: try require(o.eps, "eps"), weightDecay: try require(o.weightDecay, "weight_decay"),
                        decoupledWeightDecay: optimizer == "adamw")
        case "rmsprop":
            return RMSprop(parameters: parameters, learningRate: o.lr,
                           alpha: try require(o.alpha, "alpha"), eps: try require(o.eps, "eps"),
                           momentum: try require(o.momentum, "momentum"),
                           centered: try require(o.centered, "centered"),
                           weightDecay: try require(o.weightDecay, "weight_decay"))
        default:
            throw UnsupportedFixture(description: "case '\(name)': unknown optimizer '\(optimizer)'")
        }
    }

    /// The per-parameter state PyTorch keeps for this optimizer after a step, under PyTorch's
    /// own key names (so checkpoints can be mapped one to one), as "<index>.<key>" sorted.
    var expectedStateNames: [String] {
        var keys: [String] = []
        switch optimizer {
        case "sgd":
            if (options.momentum ?? 0) > 0 { keys = ["momentum_buffer"] }
        case "adam", "adamw":
            keys = ["exp_avg", "exp_avg_sq"]
        case "rmsprop":
            keys = ["square_avg"]
            if options.centered == true { keys.append("grad_avg") }
            if (options.momentum ?? 0) > 0 { keys.append("momentum_buffer") }
        default:
            break
        }
        return keys.sorted().map { "0.\($0)" }
    }
}
