/// An element type that communicators can send: `Float`, `Double`, `Int32`, `Int64`, `UInt8`.
///
/// The set is closed on purpose: each kind maps to one MPI datatype. Conforming another type
/// is not supported.
public protocol CommunicatorScalar: Sendable, Equatable {
    /// Which wire type carries values of this type.
    static var communicatorKind: CommunicatorScalarKind { get }
}

/// The wire types behind ``CommunicatorScalar``.
public enum CommunicatorScalarKind: Sendable, Hashable {
    /// `MPI_FLOAT`, `MPI_DOUBLE`, `MPI_INT32_T`, `MPI_INT64_T` and `MPI_UINT8_T` respectively.
    case float32, float64, int32, int64, uint8
}

extension Float: CommunicatorScalar {
    /// Sent as `MPI_FLOAT`.
    public static var communicatorKind: CommunicatorScalarKind { .float32 }
}

extension Double: CommunicatorScalar {
    /// Sent as `MPI_DOUBLE`.
    public static var communicatorKind: CommunicatorScalarKind { .float64 }
}

extension Int32: CommunicatorScalar {
    /// Sent as `MPI_INT32_T`.
    public static var communicatorKind: CommunicatorScalarKind { .int32 }
}

extension Int64: CommunicatorScalar {
    /// Sent as `MPI_INT64_T`.
    public static var communicatorKind: CommunicatorScalarKind { .int64 }
}

extension UInt8: CommunicatorScalar {
    /// Sent as `MPI_UINT8_T`.
    public static var communicatorKind: CommunicatorScalarKind { .uint8 }
}
