/// One case of `clip_grad_norm.json`.
struct ClipGradNormCase: Decodable {
    let name: String
    let maxNorm: Float
    let normType: Double
    let shapes: [[Int]]
    let gradsBefore: [[Float]]
    let gradsAfter: [[Float]]
    let totalNorm: Float

    enum CodingKeys: String, CodingKey {
        case name, shapes
        case maxNorm = "max_norm", normType = "norm_type", gradsBefore = "grads_before"
        case gradsAfter = "grads_after", totalNorm = "total_norm"
    }
}
