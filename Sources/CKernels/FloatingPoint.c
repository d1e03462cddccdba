// The calling thread's handling of subnormal floats. Threads started afterwards inherit it
// (Linux copies the floating-point environment to new threads), so setting it before OpenBLAS
// and the communication thread start covers the whole process.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
// MXCSR: flush-to-zero (results) is bit 15, denormals-are-zero (inputs) bit 6.
static const unsigned ck_ftz_daz = 0x8000u | 0x0040u;

int ck_flush_subnormals(int enable) {
    unsigned csr = _mm_getcsr();
    int was = (csr & ck_ftz_daz) == ck_ftz_daz;
    _mm_setcsr(enable ? (csr | ck_ftz_daz) : (csr & ~ck_ftz_daz));
    return was;
}
#elif defined(__aarch64__)
// FPCR.FZ (bit 24) flushes subnormal inputs and results of single and double precision.
int ck_flush_subnormals(int enable) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    int was = (fpcr >> 24) & 1;
    fpcr = enable ? (fpcr | (1ul << 24)) : (fpcr & ~(1ul << 24));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
    return was;
}
#else
int ck_flush_subnormals(int enable) { (void)enable; return 0; }
#endif
