import CMPI

/// A 16-bit floating-point format for ``Communicator/allReduceCompressed(_:precision:)``.
///
/// Conversions from `Float` round to nearest, ties to even; values past the format's range
/// become infinity, NaN stays NaN. The conversion code lives in C (`CMPI/shim.h`) so that the
/// Swift side and the MPI reduction function share one implementation.
public enum ReducedPrecision: String, Sendable, Hashable, CaseIterable {
    /// IEEE 754 binary16: 10-bit mantissa, largest finite value 65504, subnormals below 2^-14.
    /// Precise, but small gradients lose bits and values under 2^-25 become zero.
    case fp16
    /// bfloat16: `Float`'s 8-bit exponent with a 7-bit mantissa. Same range as `Float`,
    /// about 2-3 significant decimal digits.
    case bf16

    /// The largest relative error of one rounding to this format in its normal range:
    /// 2^-11 for fp16, 2^-8 for bf16.
    ///
    /// A compressed average over N ranks rounds N times (each rank's scaled input, then each
    /// partial sum), so for inputs of one sign its relative error stays within `N * unitRoundoff`.
    public var unitRoundoff: Float {
        switch self {
        case .fp16: return 0x1p-11
        case .bf16: return 0x1p-8
        }
    }

    /// The 16-bit pattern nearest to `value`.
    public func encode(_ value: Float) -> UInt16 {
        switch self {
        case .fp16: return ddp_fp16_from_float(value)
        case .bf16: return ddp_bf16_from_float(value)
        }
    }

    /// The `Float` value of a 16-bit pattern (exact).
    public func decode(_ bits: UInt16) -> Float {
        switch self {
        case .fp16: return ddp_float_from_fp16(bits)
        case .bf16: return ddp_float_from_bf16(bits)
        }
    }

    /// `value` rounded to this precision and widened back.
    public func roundTrip(_ value: Float) -> Float {
        decode(encode(value))
    }

    /// Writes `source[i] * scale`, rounded to this precision, into `destination[i]`.
    func pack(_ source: UnsafeMutableBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<UInt16>,
              scale: Float) {
        precondition(destination.count >= source.count, "pack: destination is shorter than source")
        guard let from = source.baseAddress, let to = destination.baseAddress else { return }
        ddp_pack_16(from, to, source.count, scale, isBFloat16)
    }

    /// Widens `source` into `destination`.
    func unpack(_ source: UnsafeMutableBufferPointer<UInt16>, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count >= destination.count, "unpack: source is shorter than destination")
        guard let from = source.baseAddress, let to = destination.baseAddress else { return }
        ddp_unpack_16(from, to, destination.count, isBFloat16)
    }

    /// The flag the C helpers take to pick the format.
    var isBFloat16: Int32 { self == .bf16 ? 1 : 0 }
}
