// Open MPI defines MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE and friends as macros over
// globals and casts, which Swift cannot import. These inline functions hand them to Swift.
#ifndef DDP_CMPI_SHIM_H
#define DDP_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm ddp_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm ddp_mpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Datatype ddp_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype ddp_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype ddp_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype ddp_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype ddp_mpi_uint16(void) { return MPI_UINT16_T; }
static inline MPI_Datatype ddp_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype ddp_mpi_int(void) { return MPI_INT; }
static inline MPI_Op ddp_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op ddp_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op ddp_mpi_min(void) { return MPI_MIN; }
static inline MPI_Op ddp_mpi_bor(void) { return MPI_BOR; }
static inline void *ddp_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Request ddp_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *ddp_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int ddp_mpi_thread_multiple(void) { return MPI_THREAD_MULTIPLE; }
static inline int ddp_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int ddp_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int ddp_mpi_success(void) { return MPI_SUCCESS; }
static inline MPI_Errhandler ddp_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Datatype ddp_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype ddp_mpi_uint8(void) { return MPI_UINT8_T; }
static inline int ddp_mpi_thread_single(void) { return MPI_THREAD_SINGLE; }

// How many ranks of `comm` share this rank's node (MPI_Comm_split_type with
// MPI_COMM_TYPE_SHARED: ranks that can share memory). Collective over `comm`.
static inline int ddp_mpi_node_local_size(MPI_Comm comm, int *size) {
    MPI_Comm local;
    int rc = MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    if (rc != MPI_SUCCESS) return rc;
    rc = MPI_Comm_size(local, size);
    MPI_Comm_free(&local);
    return rc;
}

// ---------------------------------------------------------------------------------------------
// 16-bit floating point for compressed gradient allreduce.
//
// Conversions use integer bit manipulation only, so the Swift side (packing, unpacking,
// the single-process round trip) and the MPI reduction below round identically on every
// machine, whatever the compiler's floating-point flags. All conversions from float round to
// nearest, ties to even; NaN stays a quiet NaN with its sign.
#include <stdint.h>
#include <stddef.h>
#include <string.h>

static inline uint32_t ddp_float_bits(float f) { uint32_t x; memcpy(&x, &f, 4); return x; }
static inline float ddp_bits_float(uint32_t x) { float f; memcpy(&f, &x, 4); return f; }

/// IEEE binary16 bits nearest to `f` (ties to even; overflow gives infinity).
static inline uint16_t ddp_fp16_from_float(float f) {
    uint32_t x = ddp_float_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t a = x & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return (uint16_t)(sign | 0x7E00u | ((a >> 13) & 0x03FFu));  // NaN
    if (a >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u);   // >= 65520 rounds to infinity
    if (a >= 0x38800000u) {                                    // normal half: >= 2^-14
        uint32_t rounded = a + 0x0FFFu + ((a >> 13) & 1u);     // a carry bumps the exponent
        return (uint16_t)(sign | ((rounded - 0x38000000u) >> 13));
    }
    if (a < 0x33000000u) return sign;                          // < 2^-25 rounds to zero
    // Subnormal half: m * 2^-24 with m = round(significand * 2^(e - 126)).
    uint32_t e = a >> 23;
    uint32_t significand = (a & 0x007FFFFFu) | 0x00800000u;
    uint32_t shift = 126u - e;                                 // 14 ... 24
    uint32_t m = significand >> shift;
    uint32_t rest = significand & ((1u << shift) - 1u);
    uint32_t half = 1u << (shift - 1u);
    if (rest > half || (rest == half && (m & 1u))) m += 1u;    // m == 1024 is the least normal
    return (uint16_t)(sign | m);
}

/// The float value of IEEE binary16 bits (exact).
static inline float ddp_float_from_fp16(uint16_t h) {
    uint32_t sign = ((uint32_t)h & 0x8000u) << 16;
    uint32_t e = ((uint32_t)h >> 10) & 0x1Fu;
    uint32_t m = (uint32_t)h & 0x03FFu;
    if (e == 0x1Fu) return ddp_bits_float(sign | 0x7F800000u | (m << 13));
    if (e != 0) return ddp_bits_float(sign | ((e + 112u) << 23) | (m << 13));
    float magnitude = (float)m * 5.9604644775390625e-8f;       // m * 2^-24, exact
    return sign ? -magnitude : magnitude;
}

/// bfloat16 bits nearest to `f` (ties to even; overflow gives infinity).
static inline uint16_t ddp_bf16_from_float(float f) {
    uint32_t x = ddp_float_bits(f);
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 0x0040u);  // quiet NaN
    x += 0x7FFFu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

/// The float value of bfloat16 bits (exact).
static inline float ddp_float_from_bf16(uint16_t b) {
    return ddp_bits_float((uint32_t)b << 16);
}

/// Scales `count` floats by `scale` and writes them as binary16 (`bf16` nonzero: bfloat16).
static inline void ddp_pack_16(const float *src, uint16_t *dst, size_t count, float scale, int bf16) {
    if (bf16) { for (size_t i = 0; i < count; i++) dst[i] = ddp_bf16_from_float(src[i] * scale); }
    else { for (size_t i = 0; i < count; i++) dst[i] = ddp_fp16_from_float(src[i] * scale); }
}

/// Widens `count` binary16 (`bf16` nonzero: bfloat16) values back to floats.
static inline void ddp_unpack_16(const uint16_t *src, float *dst, size_t count, int bf16) {
    if (bf16) { for (size_t i = 0; i < count; i++) dst[i] = ddp_float_from_bf16(src[i]); }
    else { for (size_t i = 0; i < count; i++) dst[i] = ddp_float_from_fp16(src[i]); }
}

// MPI user reductions over 16-bit payloads: widen, add in float, round back. Float addition is
// commutative, so Open MPI's allreduce algorithms give every rank the same bits.
static void ddp_fp16_sum_op(void *in, void *inout, int *len, MPI_Datatype *type) {
    (void)type;
    const uint16_t *a = (const uint16_t *)in;
    uint16_t *b = (uint16_t *)inout;
    for (int i = 0; i < *len; i++) b[i] = ddp_fp16_from_float(ddp_float_from_fp16(a[i]) + ddp_float_from_fp16(b[i]));
}

static void ddp_bf16_sum_op(void *in, void *inout, int *len, MPI_Datatype *type) {
    (void)type;
    const uint16_t *a = (const uint16_t *)in;
    uint16_t *b = (uint16_t *)inout;
    for (int i = 0; i < *len; i++) b[i] = ddp_bf16_from_float(ddp_float_from_bf16(a[i]) + ddp_float_from_bf16(b[i]));
}

/// Creates the commutative MPI_Op that sums binary16 (`bf16` nonzero: bfloat16) payloads
/// sent as MPI_UINT16_T. Free it with MPI_Op_free before MPI_Finalize.
static inline int ddp_mpi_op_create_sum16(int bf16, MPI_Op *op) {
    return MPI_Op_create(bf16 ? ddp_bf16_sum_op : ddp_fp16_sum_op, 1, op);
}
#endif
