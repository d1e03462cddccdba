/// The optimizer: the `optimizer` field and `--optimizer`.
public enum OptimizerChoice: String, ConfigChoice {
    /// Stochastic gradient descent, with optional momentum, dampening and Nesterov.
    case sgd
    /// Adam with L2 weight decay.
    case adam
    /// Adam with decoupled weight decay.
    case adamw
    /// RMSprop.
    case rmsprop
}
