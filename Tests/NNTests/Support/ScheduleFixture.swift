/// `schedules.json`: the learning rate PyTorch's scheduler set before each of `steps` steps.
struct ScheduleFixture: Decodable {
    struct Schedule: Decodable {
        let name: String
        /// "StepLR" or "CosineAnnealingLR".
        let scheduler: String
        /// step_size and gamma (StepLR), T_max and eta_min (CosineAnnealingLR).
        let options: [String: Double]
        /// Float64, as PyTorch keeps learning rates.
        let lrs: [Double]
    }

    let baseLR: Double
    let steps: Int
    let schedules: [Schedule]

    enum CodingKeys: String, CodingKey {
        case steps, schedules
        case baseLR = "base_lr"
    }
}
