import DataFormats

/// What a fuzz run saw: every input either parsed or was refused with a well-formed error.
struct FuzzOutcome {
    var parsed = 0
    var rejected = 0
    /// Error descriptions that break the one-line, file-first contract.
    var malformedErrors: [String] = []
}

/// Feeds `cases` mutations of `seeds` to `parse`. A crash or hang in the parser fails the test
/// run outright; anything else is tallied for the caller to check.
func fuzz(seeds: [[UInt8]], cases: Int, seed: UInt64, file: String,
          parse: ([UInt8]) throws(DataFormatError) -> Void) -> FuzzOutcome {
    var mutator = ByteMutator(seed: seed)
    var outcome = FuzzOutcome()
    for index in 0..<cases {
        let input = mutator.mutate(seeds[index % seeds.count])
        do {
            try parse(input)
            outcome.parsed += 1
        } catch {
            outcome.rejected += 1
            let text = error.description
            if !text.hasPrefix("\(file): ") || text.contains("\n") || error.message.isEmpty {
                outcome.malformedErrors.append(text)
            }
        }
    }
    return outcome
}
