import Training
/// Orders flattened metric keys the way metrics.jsonl writes them: schema fields in their
/// documented order, layers in model order, numbers inside names numerically
/// (`model.2` before `model.10`).
///
/// JSON objects are unordered once parsed, so the order is rebuilt from the schema
/// (docs/METRICS.md) and the parameter order in config.json.
public struct MetricsColumnOrder: Sendable {
    /// Schema words, in the order the writer emits them at every level.
    static let schema = [
        "step", "epoch", "loss", "lr", "samples_per_second", "grad_norms", "vanishing_factor",
        "timing", "forward", "backward", "gradient_sync", "optimizer", "mean_ms", "max_ms",
        "diagnostics", "local_grad_norms", "update_ratios", "activations", "noise_scale", "noise_scale_unavailable",
        "gradient_squared_norm", "trace_covariance", "b_simple", "b_simple_ema", "small_batch", "large_batch",
        "per_layer_ema", "mean", "spread", "std", "saturated_fraction", "dead_fraction",
        "train_loss", "val_loss", "val_accuracy",
    ]
    private static let schemaRank = Dictionary(uniqueKeysWithValues: schema.enumerated().map { ($1, $0) })
    private let layerRank: [String: Int]

    /// - Parameter layers: layer (parameter) names in model order, e.g. from config.json.
    public init(layers: [String] = []) {
        var rank: [String: Int] = [:]
        for (i, name) in layers.enumerated() where rank[name] == nil { rank[name] = i }
        layerRank = rank
    }

    /// `keys` in column order.
    public func sorted(_ keys: some Sequence<String>) -> [String] {
        keys.map { (key: $0, parts: $0.split(separator: "/").map(String.init)) }
            .sorted { precedes($0.parts, $1.parts) }
            .map(\.key)
    }

    private func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return precedes(component: x, y) }
        return a.count < b.count
    }

    private func precedes(component x: String, _ y: String) -> Bool {
        switch (Self.schemaRank[x], Self.schemaRank[y]) {
        case let (i?, j?): return i < j
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): break
        }
        switch (layerRank[x], layerRank[y]) {
        case let (i?, j?): return i < j
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return Self.naturalPrecedes(x, y)
        }
    }

    /// Compares digit runs as numbers and everything else as text: "model.2" < "model.10".
    static func naturalPrecedes(_ x: String, _ y: String) -> Bool {
        let a = chunks(x), b = chunks(y)
        for (p, q) in zip(a, b) where p != q {
            if let m = Int(p), let n = Int(q) { return m < n }
            return p < q
        }
        return a.count < b.count
    }

    private static func chunks(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        var digits = false
        for c in s {
            let d = c.isASCII && c.isNumber
            if !current.isEmpty && d != digits {
                out.append(current)
                current = ""
            }
            digits = d
            current.append(c)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
