import Foundation

/// A deterministic state machine that tunes the learning rate at one batch size for the fewest
/// optimizer steps to the validation target (the per-batch tuning of Shallue et al. 2019).
///
/// Use: while `nextLearningRate` is non-nil, run a trial at it — stopping it early once it has
/// used more than `earlyStopBudget` steps, if set — and pass how it ended to `record(_:)`; then
/// read `result`. Trials run one at a time so that each can use the budget of those before it.
///
/// The search works on a log grid, in integer positions so that revisiting a learning rate is
/// exact. It starts at `start`·{1, 10^-0.5, 10^0.5} (start first, so its steps become the budget
/// for the other two). A trial that reached the target beats every trial that did not; among
/// reached trials fewer steps win, and a tie goes to the smaller learning rate (the more stable
/// choice). Then:
///
/// 1. Extend: while the best is the smallest (largest) learning rate tried, try one coarse step
///    (×√10) further down (up), at most `extensionLimit` times each way. When nothing has
///    reached the target yet, extend down if the smallest learning rate diverged and up if the
///    largest was censored (too slow): divergence says "smaller", censoring says "larger".
/// 2. Refine `refinements` times, halving the log spacing each time: try the two points half a
///    spacing either side of the current best (only those inside the range already tried). When nothing has reached the target, the
///    midpoint between the adjacent censored and diverged trials is tried instead, since a
///    window that reaches the target, if any, lies between them.
/// 3. Finish: `result` holds the best and its two neighbours at the finest spacing, or the
///    verdict `.noneReached`.
public struct LearningRateSearch: Sendable {
    /// The learning rate the grid is centred on.
    public let start: Double
    /// The most coarse steps the grid may be extended in each direction.
    public let extensionLimit: Int
    /// How many times the spacing is halved around the best.
    public let refinements: Int
    /// Every trial so far, in order.
    public private(set) var trials: [LearningRateTrial] = []
    /// The conclusion, once `nextLearningRate` is nil.
    public private(set) var result: LearningRateSearchResult?

    private enum Phase: Sendable { case extending, refining(level: Int), finished }
    private var phase: Phase = .extending
    private var queue: [Int]
    private var outcomes: [Int: TrialOutcome] = [:]
    private var extensionsDown = 0, extensionsUp = 0

    /// Grid positions are multiples of the finest spacing; a coarse step (×√10) is `coarseStep` of them.
    private var coarseStep: Int { 1 << refinements }
    private var unit: Double { 0.5 / Double(coarseStep) }

    /// A search centred on `start` (> 0), extending at most `extensionLimit` coarse steps each
    /// way and refining `refinements` times (0…6).
    public init(start: Double, extensionLimit: Int = 4, refinements: Int = 2) {
        precondition(start > 0 && start.isFinite, "the start learning rate must be positive")
        precondition(extensionLimit >= 0 && (0...6).contains(refinements))
        self.start = start
        self.extensionLimit = extensionLimit
        self.refinements = refinements
        let s = 1 << refinements
        queue = [0, -s, s]
    }

    /// The learning rate to try next; nil when the search has finished.
    public var nextLearningRate: Double? {
        queue.first.map(learningRate(at:))
    }

    /// The best finished trial's steps to target so far: a later trial that has used more steps
    /// can no longer win and may be stopped (and recorded as `.stoppedEarly`). Nil until some
    /// trial reaches the target.
    public var earlyStopBudget: Int? {
        outcomes.values.compactMap(\.stepsToTarget).min()
    }

    /// Records how the trial at `nextLearningRate` ended and moves the search on.
    public mutating func record(_ outcome: TrialOutcome) {
        precondition(!queue.isEmpty, "LearningRateSearch.record: the search has finished")
        let k = queue.removeFirst()
        outcomes[k] = outcome
        trials.append(LearningRateTrial(learningRate: learningRate(at: k), outcome: outcome))
        if queue.isEmpty { advance() }
    }

    /// The learning rate at grid position `k`.
    private func learningRate(at k: Int) -> Double {
        start * pow(10, Double(k) * unit)
    }

    /// The best position: fewest steps among reached trials, ties to the smaller learning rate.
    private var best: Int? {
        outcomes.compactMap { k, o in o.stepsToTarget.map { (k, $0) } }
            .min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    private mutating func advance() {
        while queue.isEmpty {
            switch phase {
            case .extending:
                if let next = nextExtension() { queue = [next] } else { phase = .refining(level: 1) }
            case .refining(let level):
                guard level <= refinements else { finish(); return }
                phase = .refining(level: level + 1)
                // Refinement stays inside the extended range: when the extension limit stopped the
                // search at an edge, half-steps beyond it would extend it after all.
                let lo = outcomes.keys.min()!, hi = outcomes.keys.max()!
                queue = refinement(halfSpacing: coarseStep >> level).filter { outcomes[$0] == nil && $0 >= lo && $0 <= hi }
            case .finished:
                return
            }
        }
    }

    /// The next coarse point beyond the tried range, or nil when no extension is called for.
    private mutating func nextExtension() -> Int? {
        let lo = outcomes.keys.min()!, hi = outcomes.keys.max()!
        let down: Bool, up: Bool
        if let best {
            down = best == lo
            up = best == hi
        } else {
            // Nothing reached: divergence points to smaller rates, censoring to larger.
            if case .diverged = outcomes[lo]! { down = true } else { down = false }
            if case .diverged = outcomes[hi]! { up = false } else { up = true }
        }
        if down && extensionsDown < extensionLimit {
            extensionsDown += 1
            return lo - coarseStep
        }
        if up && extensionsUp < extensionLimit {
            extensionsUp += 1
            return hi + coarseStep
        }
        return nil
    }

    /// The points to try at a refinement level with half-spacing `h` (grid units).
    private func refinement(halfSpacing h: Int) -> [Int] {
        if let best { return [best - h, best + h] }
        // Nothing reached: bisect the narrowest gap between a run that was too slow and the
        // next larger rate, which diverged.
        let sorted = outcomes.keys.sorted()
        var gaps: [(Int, Int)] = []
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            if case .diverged = outcomes[b]!, !isDiverged(outcomes[a]!) { gaps.append((a, b)) }
        }
        guard let gap = gaps.min(by: { $0.1 - $0.0 < $1.1 - $1.0 }), gap.1 - gap.0 == 2 * h else { return [] }
        return [gap.0 + h]
    }

    private func isDiverged(_ o: TrialOutcome) -> Bool {
        if case .diverged = o { return true }
        return false
    }

    private mutating func finish() {
        phase = .finished
        let lo = outcomes.keys.min()!, hi = outcomes.keys.max()!
        if let best {
            result = LearningRateSearchResult(
                verdict: .reached, learningRate: learningRate(at: best), steps: outcomes[best]!.stepsToTarget,
                lowerNeighbour: learningRate(at: best - 1), upperNeighbour: learningRate(at: best + 1),
                bestOnEdge: best == lo || best == hi, trials: trials)
        } else {
            result = LearningRateSearchResult(
                verdict: .noneReached, learningRate: nil, steps: nil, lowerNeighbour: nil, upperNeighbour: nil,
                bestOnEdge: false, trials: trials)
        }
    }
}
