import Foundation

/// Converts little-endian elements in a byte buffer to `Float`.
///
/// Callers validate offsets and counts first; these functions assume `count` elements of `type`
/// start at `offset` inside `bytes`.
enum ElementDecoding {
    /// Decodes `count` little-endian elements of `type` starting at byte `offset`.
    static func floats(from bytes: UnsafeRawBufferPointer, offset: Int, count: Int,
                       type: ElementType) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let size = type.byteCount
            for index in 0..<count {
                let position = offset + index * size
                buffer[index] = element(in: bytes, at: position, type: type)
            }
            initialized = count
        }
    }

    private static func element(in bytes: UnsafeRawBufferPointer, at position: Int,
                                type: ElementType) -> Float {
        switch type {
        case .float16:
            return float(fromHalf: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self)))
        case .bfloat16:
            let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))
            return Float(bitPattern: UInt32(bits) << 16)
        case .float32:
            return Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
        case .float64:
            return Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))))
        case .int32:
            return Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int32.self)))
        case .int64:
            return Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self)))
        }
    }

    /// Converts IEEE 754 half-precision bits to `Float` exactly. Written out by hand because
    /// `Float16` is unavailable on some platforms this package supports (macOS on Intel).
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0x1F:
            // Infinity or NaN; keep the NaN payload.
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        case 0:
            // Zero or subnormal: mantissa × 2⁻²⁴, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default:
            // Rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}

extension Data {
    /// Appends `values` as little-endian IEEE 754 single-precision bytes.
    mutating func appendLittleEndian(_ values: [Float]) {
        #if _endian(little)
        // The in-memory layout already is the file layout: one copy, no per-element work.
        values.withUnsafeBytes { append(contentsOf: $0) }
        #else
        reserveCapacity(count + values.count * 4)
        for value in values {
            Swift.withUnsafeBytes(of: value.bitPattern.littleEndian) { append(contentsOf: $0) }
        }
        #endif
    }
}
