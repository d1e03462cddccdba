import Autograd
import NN

/// Builds the optimizer a run plan names, with PyTorch's defaults for unset options.
public enum OptimizerFactory {
    /// The optimizer the plan's config names, over `parameters`, at the plan's learning rate.
    public static func make(_ plan: RunPlan, parameters: [Tensor]) -> Optimizer {
        let c = plan.config
        switch c.optimizer {
        case .adam:
            return Adam(parameters: parameters, learningRate: plan.learningRate, beta1: c.beta1, beta2: c.beta2,
                        eps: c.eps, weightDecay: c.weightDecay ?? 0)
        case .adamw:
            return Adam.adamW(parameters: parameters, learningRate: plan.learningRate, beta1: c.beta1, beta2: c.beta2,
                              eps: c.eps, weightDecay: c.weightDecay ?? 0.01)
        case .rmsprop:
            return RMSprop(parameters: parameters, learningRate: plan.learningRate, alpha: c.alpha, eps: c.eps,
                           momentum: c.momentum, centered: c.centered, weightDecay: c.weightDecay ?? 0)
        case .sgd:
            return SGD(parameters: parameters, learningRate: plan.learningRate, momentum: c.momentum,
                       dampening: c.dampening, nesterov: c.nesterov, weightDecay: c.weightDecay ?? 0)
        }
    }
}
