// How the kernels are compiled for more than one instruction set.
//
// The package builds for baseline x86-64 (SSE2), so that its binaries run on any x86-64
// machine; raising -march for the whole package would make them fault on older ones. These
// loops gain 2–4× from AVX2 or AVX-512, though, so each kernel is built three times with
// `target_clones` and the dynamic loader picks the best clone for the CPU once, at load time,
// through an ifunc: no -march flag, no check per call, and nothing pins the binary to one CPU.
//
// ifuncs need ELF and a loader that resolves them (glibc's does; musl's, used by fully static
// Linux SDK builds, does not), so elsewhere — aarch64, macOS, musl — the kernels are plain
// functions, which the compiler still vectorizes for the baseline of that architecture.
#ifndef CKERNELS_MULTIVERSION_H
#define CKERNELS_MULTIVERSION_H

#include <stdlib.h>  // defines __GLIBC__ where the C library is glibc

// ThreadSanitizer instruments the ifunc resolvers too, and the loader runs them while it
// relocates the binary, before the sanitizer's runtime exists: the process crashes at start
// (`__tsan_func_entry` from `ck_sigmoid_backward[resolver]`). Under TSan the kernels are plain.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CK_NO_MULTIVERSION 1
#endif
#endif

#if defined(__x86_64__) && defined(__ELF__) && defined(__GLIBC__) && defined(__clang__) && !defined(CK_NO_MULTIVERSION)
#define CK_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CK_MULTIVERSION
#endif

// Multiplies and adds stay separate operations in every clone: contracting them into FMAs
// (which clang does within an expression by default) would make the AVX2 and AVX-512 clones
// round differently from the SSE2 one and from the Swift code these kernels replaced.
#pragma clang fp contract(off)

#endif
