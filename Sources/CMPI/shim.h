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
#endif
