/// How a trainer treats its steps, fixed when it is built.
public struct TrainerOptions: Sendable {
    /// What a NaN or infinite loss or gradient does.
    public var nonFinitePolicy: NonFinitePolicy
    /// Listens for SIGTERM/SIGUSR1; whether one arrived is agreed across ranks at every step.
    public var preemption: PreemptionSignal?
    /// Test-only fault injection (a hidden CLI flag).
    public var faults: FaultInjection

    /// Options with the given policy, signal listener and faults (by default: stop, none, none).
    public init(nonFinitePolicy: NonFinitePolicy = .stop, preemption: PreemptionSignal? = nil,
                faults: FaultInjection = FaultInjection()) {
        self.nonFinitePolicy = nonFinitePolicy
        self.preemption = preemption
        self.faults = faults
    }
}
