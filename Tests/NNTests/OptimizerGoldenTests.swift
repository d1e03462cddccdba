import Autograd
import NN
import XCTest

/// Each optimizer against PyTorch's single-tensor implementation (`foreach=False`), step by
/// step, from `Fixtures/optimizers.json`.
///
/// ## Tolerance: relative 1e-5, absolute floor 1e-6
///
/// Both sides compute in Float32 but not in the same order: PyTorch updates moments with
/// `lerp` (m + w·(g − m)) where we use β·m + (1 − β)·g, fuses `addcdiv`, and computes the bias
/// corrections in Python doubles from β = 0.9 where we start from Float(0.9). Each of the ~10
/// operations of an update rounds to half an ulp (6e-8 relative), so one step disagrees by
/// about 1e-6 relative to the update, which is itself a fraction of the parameter. Over six
/// steps these errors add without amplification (every rule here is Lipschitz in p and the
/// moments with constants near 1, and √v ≫ ε), so the parameters agree to well under 1e-6
/// relative: 1e-5 leaves a 10× margin. Elements that pass near zero carry the absolute error
/// of the O(1) terms that cancelled there (a few times 1e-7), hence the 1e-6 floor.
///
/// The check still sees every rule difference that matters. Every case moves every element by
/// at least 50× the tolerance (`testFixturesMoveFarBeyondTolerance`; Adam at lr 1e-3 moves
/// least, 64×), the largest disagreement measured is 5% of the tolerance (6.6e-7 relative),
/// and a wrong rule (dampening on the first step, a missing bias correction, Nesterov's
/// look-ahead left out, coupled instead of decoupled decay, an uncentered second moment)
/// changes the first step alone by hundreds of tolerances. ε's placement is beyond any Float32
/// test at these gradient sizes: √v ≈ 1e-2 dwarfs ε = 1e-8.
final class OptimizerGoldenTests: XCTestCase {
    static let relativeTolerance: Float = 1e-5
    static let absoluteTolerance: Float = 1e-6

    private func cases() throws -> [OptimizerCase] {
        let cases = try FixtureLoader.load([OptimizerCase].self, "optimizers")
        // The generator writes twelve cases covering all four optimizers; fewer means a stale or
        // truncated file, and the loop below would then test less than it claims.
        XCTAssertEqual(Set(cases.map(\.optimizer)), ["sgd", "adam", "adamw", "rmsprop"])
        XCTAssertGreaterThanOrEqual(cases.count, 12)
        return cases
    }

    /// Runs `steps` of the case on a fresh parameter, comparing after each step; returns the
    /// optimizer and parameter for further checks.
    @discardableResult
    private func run(_ c: OptimizerCase, steps: Range<Int>, parameter p: Tensor, optimizer: Optimizer,
                     file: StaticString = #filePath, line: UInt = #line) -> Bool {
        for step in steps {
            p.grad = Tensor(c.gradients[step])
            optimizer.step()
            if let m = firstMismatch(p.scalars, c.expected[step], relative: Self.relativeTolerance,
                                     absolute: Self.absoluteTolerance) {
                XCTFail("\(c.name), step \(step + 1), element \(m.index): \(m.actual) vs PyTorch \(m.expected)",
                        file: file, line: line)
                return false
            }
        }
        return true
    }

    func testEveryOptimizerMatchesPyTorchStepByStep() throws {
        for c in try cases() {
            XCTAssertEqual(c.gradients.count, c.expected.count, c.name)
            let p = Tensor(c.initial, requiresGrad: true)
            let optimizer = try c.makeOptimizer(parameters: [p])
            run(c, steps: 0..<c.gradients.count, parameter: p, optimizer: optimizer)
            XCTAssertEqual(optimizer.stepCount, c.gradients.count, c.name)
        }
    }

    func testFixturesMoveFarBeyondTolerance() throws {
        for c in try cases() {
            guard let last = c.expected.last else { XCTFail("\(c.name) has no steps"); continue }
            var worstRatio = Float.infinity
            for i in c.initial.indices {
                let tolerance = Self.absoluteTolerance + Self.relativeTolerance * abs(last[i])
                worstRatio = min(worstRatio, abs(last[i] - c.initial[i]) / tolerance)
            }
            XCTAssertGreaterThan(worstRatio, 50, "\(c.name): some element barely moves, so the comparison is weak")
        }
    }

    /// The state keys are PyTorch's, so an optimizer checkpoint maps onto `state_dict()['state']`.
    func testStateUsesPyTorchNames() throws {
        for c in try cases() {
            let p = Tensor(c.initial, requiresGrad: true)
            let optimizer = try c.makeOptimizer(parameters: [p])
            p.grad = Tensor(c.gradients[0])
            optimizer.step()
            XCTAssertEqual(optimizer.namedState().map(\.name), c.expectedStateNames, c.name)
        }
    }

    /// Saving the state after three steps and loading it into a fresh optimizer continues the
    /// trajectory exactly: what resuming from a checkpoint relies on.
    func testResumingFromSavedStateFollowsPyTorch() throws {
        let split = 3
        for c in try cases() {
            let p = Tensor(c.initial, requiresGrad: true)
            let first = try c.makeOptimizer(parameters: [p])
            guard run(c, steps: 0..<split, parameter: p, optimizer: first) else { continue }
            let saved = first.namedState().map { (name: $0.name, values: $0.tensor.scalars) }

            let resumed = try c.makeOptimizer(parameters: [p])
            try resumed.loadNamedState(saved, stepCount: first.stepCount)
            run(c, steps: split..<c.gradients.count, parameter: p, optimizer: resumed)
        }
    }

    func testLoadingMismatchedStateThrows() throws {
        let p = Tensor([1, 2, 3], requiresGrad: true)
        let adam = Adam(parameters: [p])
        XCTAssertThrowsError(try adam.loadNamedState([("0.exp_avg", [0, 0])], stepCount: 1), "wrong length")
        XCTAssertThrowsError(try adam.loadNamedState([("1.exp_avg", [0, 0, 0])], stepCount: 1), "no parameter 1")
        XCTAssertThrowsError(try adam.loadNamedState([("exp_avg", [0, 0, 0])], stepCount: 1), "no index")
        XCTAssertNoThrow(try adam.loadNamedState([("0.exp_avg", [0, 0, 0])], stepCount: 1))
    }

    /// As in PyTorch, a parameter whose gradient is nil is left alone (and gets no state).
    func testParametersWithoutGradientAreSkipped() {
        let a = Tensor([1, 2], requiresGrad: true)
        let b = Tensor([3, 4], requiresGrad: true)
        let sgd = SGD(parameters: [a, b], learningRate: 0.5, momentum: 0.9)
        a.grad = Tensor([1, -1])
        sgd.step()
        XCTAssertEqual(a.scalars, [0.5, 2.5])
        XCTAssertEqual(b.scalars, [3, 4])
        XCTAssertEqual(sgd.namedState().map(\.name), ["0.momentum_buffer"])
    }

    /// The `adamW` factory is Adam with decoupled decay and PyTorch's AdamW default λ = 0.01.
    func testAdamWFactoryDefaults() {
        let adamW = Adam.adamW(parameters: [Tensor([1], requiresGrad: true)])
        XCTAssertTrue(adamW.decoupledWeightDecay)
        XCTAssertEqual(adamW.weightDecay, 0.01)
        XCTAssertEqual(adamW.learningRate, 1e-3)
        XCTAssertEqual(adamW.beta1, 0.9)
        XCTAssertEqual(adamW.beta2, 0.999)
        XCTAssertEqual(adamW.eps, 1e-8)
        XCTAssertFalse(Adam(parameters: []).decoupledWeightDecay)
    }
}
