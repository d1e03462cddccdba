/// Builds `.npy` files byte by byte, as `numpy.save` lays them out, so tests control every field.
enum NumPyTestBytes {
    /// Magic, version `major`.0, header length, `header` padded with spaces and a newline so the
    /// data starts on a 64-byte boundary, then `data`.
    static func file(header: String, major: UInt8 = 1, data: [UInt8] = [], pad: Bool = true) -> [UInt8] {
        let lengthSize = major == 1 ? 2 : 4
        var text = Array(header.utf8)
        if pad {
            let unpadded = 8 + lengthSize + text.count + 1
            text += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
        }
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        if major == 1 {
            bytes.appendLittleEndian(UInt16(text.count))
        } else {
            bytes.appendLittleEndian(UInt32(text.count))
        }
        return bytes + text + data
    }

    static func float64s(_ values: [Double]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
    }

    static func float32s(_ values: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
    }
}
