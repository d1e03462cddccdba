// The activation kernels: exp, sigmoid and ReLU, forward and backward.
//
// Written as plain scalar loops over `static inline` per-element functions; clang vectorizes
// each clone for its instruction set (16 lanes on AVX-512), and the scalar remainder computes
// the very same operations, so a tail element matches a vector lane bit for bit.
#include "CKernels.h"
#include "Multiversion.h"

#include <stdint.h>
#include <string.h>

/// Cephes exp, operation for operation as `VectorMath.exp` in Autograd.
static inline float ck_exp1(float x) {
    // Clamp by compares, which leave NaN in place (so it comes out NaN, not a quiet bound).
    float c = x < -87.3f ? -87.3f : x;
    c = c > 88.3f ? 88.3f : c;
    // n = round(x / ln2) by the 1.5·2²³ trick: the sum holds n in its low mantissa bits.
    const float magic = 12582912.0f;
    float shifted = c * 1.44269504f + magic;
    float fx = shifted - magic;
    float r = c - fx * 0.693359375f + fx * 2.1219444e-4f;
    float y = 1.98756915e-4f;
    y = y * r + 1.39819995e-3f;
    y = y * r + 8.3334519e-3f;
    y = y * r + 4.1665796e-2f;
    y = y * r + 1.66666655e-1f;
    y = y * r + 5.0000001e-1f;
    y = y * (r * r) + r + 1.0f;
    // 2^n through the exponent bits.
    uint32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    uint32_t exponent = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &exponent, sizeof scale);
    return y * scale;
}

CK_MULTIVERSION
void ck_exp(const float *x, float *y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = ck_exp1(x[i]);
}

CK_MULTIVERSION
void ck_sigmoid(const float *x, float *y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = 1.0f / (1.0f + ck_exp1(-x[i]));
}

CK_MULTIVERSION
void ck_sigmoid_backward(const float *g, const float *y, float *dst, size_t count, int accumulate) {
    if (accumulate) {
        for (size_t i = 0; i < count; i++) dst[i] = dst[i] + g[i] * (y[i] * (1.0f - y[i]));
    } else {
        for (size_t i = 0; i < count; i++) dst[i] = g[i] * (y[i] * (1.0f - y[i]));
    }
}

CK_MULTIVERSION
void ck_relu(const float *x, float *y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

CK_MULTIVERSION
void ck_relu_backward(const float *g, const float *x, float *dst, size_t count, int accumulate) {
    if (accumulate) {
        for (size_t i = 0; i < count; i++) dst[i] = dst[i] + (x[i] > 0.0f ? g[i] : 0.0f);
    } else {
        for (size_t i = 0; i < count; i++) dst[i] = x[i] > 0.0f ? g[i] : 0.0f;
    }
}
