import CMPI

/// An `MPI_Comm` that may cross threads.
///
/// `MPI_Comm` is an `OpaquePointer`, which Swift 6 will not send between threads. Sending this
/// one is safe: the handle is immutable after creation, Open MPI's communicator objects are
/// thread-safe for concurrent use by MPI calls when the library runs at `MPI_THREAD_MULTIPLE`,
/// and at lower thread levels ``CommunicationQueue`` never calls MPI from a second thread.
/// What remains (matching collectives across ranks) is the caller's contract in ``Communicator``.
final class MPICommHandle: @unchecked Sendable {
    let raw: MPI_Comm

    init(_ raw: MPI_Comm) {
        self.raw = raw
    }
}

/// The user-defined reductions that sum 16-bit floats, created once per process.
///
/// `@unchecked Sendable` for the same reason as ``MPICommHandle``: `MPI_Op` is an immutable
/// opaque handle that MPI lets any thread use.
final class MPIReductionOps: @unchecked Sendable {
    let fp16Sum: MPI_Op
    let bf16Sum: MPI_Op

    init() throws {
        var fp16: MPI_Op?
        var bf16: MPI_Op?
        try checkSetup(ddp_mpi_op_create_sum16(0, &fp16), "MPI_Op_create")
        try checkSetup(ddp_mpi_op_create_sum16(1, &bf16), "MPI_Op_create")
        guard let fp16, let bf16 else {
            throw CommunicatorError.setupFailed(call: "MPI_Op_create", message: "returned no operation")
        }
        fp16Sum = fp16
        bf16Sum = bf16
    }

    func sum(for precision: ReducedPrecision) -> MPI_Op {
        precision == .fp16 ? fp16Sum : bf16Sum
    }

    /// Releases the operations; call before `MPI_Finalize`.
    func free() {
        var fp16: MPI_Op? = fp16Sum
        var bf16: MPI_Op? = bf16Sum
        MPI_Op_free(&fp16)
        MPI_Op_free(&bf16)
    }
}

/// Open MPI's text for an error code.
func mpiErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
    var length: Int32 = 0
    guard MPI_Error_string(code, &buffer, &length) == ddp_mpi_success() else { return "MPI error \(code)" }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Throws ``CommunicatorError/setupFailed(call:message:)`` when `code` is not `MPI_SUCCESS`.
func checkSetup(_ code: Int32, _ call: String) throws {
    guard code == ddp_mpi_success() else {
        throw CommunicatorError.setupFailed(call: call, message: mpiErrorString(code))
    }
}

extension CommunicatorScalarKind {
    /// The MPI datatype that carries this kind.
    var mpiDatatype: MPI_Datatype {
        switch self {
        case .float32: return ddp_mpi_float()
        case .float64: return ddp_mpi_double()
        case .int32: return ddp_mpi_int32()
        case .int64: return ddp_mpi_int64()
        case .uint8: return ddp_mpi_uint8()
        }
    }
}

extension ReduceOp {
    /// The predefined MPI operation.
    var mpiOp: MPI_Op {
        switch self {
        case .sum: return ddp_mpi_sum()
        case .max: return ddp_mpi_max()
        case .min: return ddp_mpi_min()
        }
    }
}
