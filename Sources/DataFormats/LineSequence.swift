/// The byte ranges of the lines in a buffer, without their `\n`.
struct LineSequence {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func next() -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
        let line = start..<position
        position += 1
        return line
    }
}
