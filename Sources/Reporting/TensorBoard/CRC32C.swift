/// CRC-32C (Castagnoli), the checksum that TensorBoard event files (TFRecord framing) use.
///
/// The polynomial is 0x1EDC6F41, processed bit-reflected (0x82F63B78), with initial value and
/// final XOR of 0xFFFFFFFF: `checksum("123456789") == 0xE3069283`.
public enum CRC32C {
    /// The CRC-32C of `bytes`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The CRC-32C of `bytes`, masked as TFRecord stores it.
    ///
    /// TensorFlow masks stored CRCs because computing the CRC of a string that itself
    /// contains embedded CRCs is error-prone; the rotation and offset avoid that.
    public static func maskedChecksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        mask(checksum(bytes))
    }

    /// Applies TFRecord's CRC mask: rotate right by 15 bits, then add 0xA282EAD8.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Inverts `mask(_:)`.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }

    private static let maskDelta: UInt32 = 0xA282_EAD8

    /// The byte-at-a-time lookup table for the reflected polynomial.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
        }
        return crc
    }
}
