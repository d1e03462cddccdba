/// Corrupts valid files the way broken disks, truncated downloads and hostile users do: bit flips,
/// byte changes, insertions, deletions, truncations, and numbers swapped for extreme ones.
struct ByteMutator {
    var generator: SplitMix64

    /// Bytes that matter to at least one of the formats' syntax.
    private static let interestingBytes: [UInt8] = Array("0123456789-+.,:\"'()[]{}\n\r eE".utf8)
        + [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x93]
    /// Numbers that break size arithmetic: zero, one, huge, negative, and overflow boundaries.
    private static let interestingNumbers = ["0", "1", "-1", "99999999999999999999", "4294967296",
                                             "9223372036854775807", "9223372036854775808", "1e309", "nan", ""]
    private static let interestingWords: [UInt64] = [0, 1, 7, 8, 0xFF, 0xFFFF, 0xFFFF_FFFF,
                                                     1 << 60, UInt64(Int64.max), .max]

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// One to four random mutations of `input`.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            applyOneMutation(&bytes)
        }
        return bytes
    }

    private mutating func applyOneMutation(_ bytes: inout [UInt8]) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<9, using: &generator) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8.random(in: 0...255, using: &generator)
        case 2 where !bytes.isEmpty:
            bytes[position] = Self.interestingBytes.randomElement(using: &generator) ?? 0
        case 3:
            let count = Int.random(in: 1...8, using: &generator)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: position)
        case 4 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...16, using: &generator))
            bytes.removeSubrange(position..<end)
        case 5:
            bytes.removeLast(bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &generator))
        case 6 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
            bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
        case 7 where bytes.count >= 8:
            let start = Int.random(in: 0...(bytes.count - 8), using: &generator)
            let word = Self.interestingWords.randomElement(using: &generator) ?? 0
            withUnsafeBytes(of: word.littleEndian) { bytes.replaceSubrange(start..<(start + 8), with: $0) }
        default:
            replaceNumber(in: &bytes)
        }
    }

    /// Replaces a run of ASCII digits, if any, with an extreme number: header fields are text.
    private mutating func replaceNumber(in bytes: inout [UInt8]) {
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let digits = bytes.indices.filter { isDigit(bytes[$0]) }
        guard let start = digits.randomElement(using: &generator) else { return }
        var end = start
        while end < bytes.count && isDigit(bytes[end]) { end += 1 }
        let replacement = Self.interestingNumbers.randomElement(using: &generator) ?? "0"
        bytes.replaceSubrange(start..<end, with: Array(replacement.utf8))
    }
}
