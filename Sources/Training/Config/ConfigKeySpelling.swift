/// The two spellings a config file's keys may take: the field names (`globalBatchSize`, as in
/// `config.json`) and the flags' kebab case (`global-batch-size`), so that a file can be
/// written from `--help` as well as from a run's `config.json`.
public enum ConfigKeySpelling {
    /// `name` in the flags' kebab case, as swift-argument-parser spells a property's flag:
    /// `globalBatchSize` → `global-batch-size`, `bucketMB` → `bucket-mb`, `minLR` → `min-lr`.
    public static func kebab(_ name: String) -> String {
        let characters = Array(name)
        var result = ""
        for (i, c) in characters.enumerated() {
            if c.isUppercase && i > 0 {
                // A word starts at an upper-case letter after a lower-case one or a digit, or at
                // the last capital of an acronym followed by a lower-case letter (`MBSize` → `mb-size`).
                let previous = characters[i - 1]
                let nextIsLower = i + 1 < characters.count && characters[i + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    result.append("-")
                }
            }
            result.append(contentsOf: c.lowercased())
        }
        return result
    }

    /// The field name a key stands for, in either spelling, or `nil` when it names no field.
    public static func fieldName(for key: String) -> String? {
        if TrainingConfig.fieldNames.contains(key) { return key }
        return byKebab[key]
    }

    /// The valid key nearest to `key`, spelled the way `key` is (kebab or field name).
    public static func suggestion(for key: String) -> String {
        let candidates = key.contains("-") ? TrainingConfig.fieldNames.map(kebab) : TrainingConfig.fieldNames
        let typed = String(key.prefix(64))  // enough to suggest from; a huge key would take seconds
        return candidates.min { editDistance($0, typed) < editDistance($1, typed) } ?? ""
    }

    private static let byKebab: [String: String] = Dictionary(
        TrainingConfig.fieldNames.map { (kebab($0), $0) }, uniquingKeysWith: { first, _ in first })
}
