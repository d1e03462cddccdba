// CKernels: the hot elementwise loops of the training step, in C so that they can be compiled
// for several instruction sets at once (see Multiversion.h).
//
// Every kernel computes, per element, exactly the IEEE operations of the Swift code it
// replaced, in the same order and without fused multiply-adds, so results are bit-for-bit the
// same whichever clone runs: SSE2 on an old machine, AVX2 or AVX-512 on a new one, NEON on
// aarch64. Ranks of a data-parallel job on mixed hardware therefore still agree exactly.
//
// Pointers may be equal (in place) where a comment says so; otherwise buffers must not overlap.
// Lengths are element counts; 0 is allowed.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Sets (nonzero `enable`) or clears flushing of subnormal floats to zero, on input and output,
/// for the calling thread and the threads it starts afterwards (x86: MXCSR's FTZ and DAZ;
/// aarch64: FPCR.FZ). Returns whether it was set before. A subnormal operand costs a hundred
/// cycles or more on x86; flushing makes such results differ from IEEE's (and PyTorch's default).
int ck_flush_subnormals(int enable);

/// y[i] = e^x[i] by Cephes' range reduction and degree-6 polynomial (about 2 ulp in
/// [-87, 88]); arguments are clamped to [-87.3, 88.3], so results stay finite and positive.
/// NaN gives NaN. `y` may equal `x`.
void ck_exp(const float *x, float *y, size_t count);

/// y[i] = 1 / (1 + e^−x[i]) with `ck_exp`'s exponential. NaN gives NaN. `y` may equal `x`.
void ck_sigmoid(const float *x, float *y, size_t count);

/// Sigmoid's backward from its output y: d = g·(y·(1 − y)); dst[i] = d, or dst[i] + d when
/// `accumulate` is nonzero. `dst` may equal `g`.
void ck_sigmoid_backward(const float *g, const float *y, float *dst, size_t count, int accumulate);

/// y[i] = x[i] < 0 ? 0 : x[i] (NaN and −0 pass through). `y` may equal `x`.
void ck_relu(const float *x, float *y, size_t count);

/// ReLU's backward from its input x: d = x > 0 ? g : 0; dst[i] = d, or dst[i] + d when
/// `accumulate` is nonzero. `dst` may equal `g`.
void ck_relu_backward(const float *g, const float *x, float *dst, size_t count, int accumulate);

/// Sums the `rows` rows of the row-major [rows, columns] matrix `g` into `dst[columns]`, row
/// after row in order (so the result does not depend on the vector width). Adds to `dst` when
/// `accumulate` is nonzero, else overwrites it.
void ck_sum_rows(const float *g, size_t rows, size_t columns, float *dst, int accumulate);

/// Σ x[i]², accumulated in double in eight interleaved partial sums (lane j takes elements
/// j, j + 8, …) added in lane order, so every clone gives the same bits. Finite exactly when
/// every x[i] is finite: squares of floats cannot overflow a double, even summed over 2^40 of
/// them.
double ck_sum_of_squares(const float *x, size_t count);

/// Copies `row[columns]` into each of the `rows` rows of `dst`.
void ck_broadcast_rows(const float *row, size_t rows, size_t columns, float *dst);

/// Plain SGD: p[i] = p[i] − lr·(g[i] + wd·p[i]), or p[i] − lr·g[i] when `weight_decay` is 0.
void ck_sgd_update(float *p, const float *g, size_t count, float learning_rate, float weight_decay);

/// The scalars of one Adam step, computed once per step by the caller.
typedef struct {
    float step_size;              ///< γ / (1 − β₁ᵗ)
    float beta1;                  ///< β₁
    float beta2;                  ///< β₂
    float bias_correction2_sqrt;  ///< √(1 − β₂ᵗ)
    float eps;                    ///< ε
    float decay;                  ///< 1 − γλ for AdamW's decoupled decay, else 1
    float l2;                     ///< λ for Adam's L2 term, else 0
} ck_adam_step;

/// One Adam/AdamW update, PyTorch's formula, for `count` parameters with moments m and v:
///     g ← g + l2·p;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g·g
///     p ← p·decay − step_size·m / (√v / bias_correction2_sqrt + ε)
/// `g` is not written. The four buffers must not overlap.
void ck_adam_update(float *p, const float *g, float *m, float *v, size_t count, ck_adam_step step);

/// The scalars of one step of SGD with momentum.
typedef struct {
    float learning_rate;  ///< γ
    float momentum;       ///< μ > 0
    float dampening;      ///< τ
    float weight_decay;   ///< λ
    int nesterov;         ///< nonzero for Nesterov momentum
    int first;            ///< nonzero on the parameter's first step (the buffer starts as g)
} ck_sgd_momentum_step;

/// One step of SGD with momentum, PyTorch's formula, for `count` parameters with buffer b:
///     d ← g + λ·p;  b ← d on the first step, else μ·b + (1 − τ)·d
///     p ← p − γ·(d + μ·b) with Nesterov, else p − γ·b
/// `g` is not written; `b` need not be initialized on the first step. No two buffers overlap.
void ck_sgd_momentum_update(float *p, const float *g, float *b, size_t count, ck_sgd_momentum_step step);

/// The scalars of one RMSprop step.
typedef struct {
    float learning_rate;  ///< γ
    float alpha;          ///< α, the smoothing constant
    float eps;            ///< ε
    float momentum;       ///< μ (used only with a momentum buffer)
    float weight_decay;   ///< λ
} ck_rmsprop_step;

/// One RMSprop update, PyTorch's formula, for `count` parameters with square average s:
///     g ← g + λ·p;  s ← α·s + (1 − α)·g·g
///     centered (grad_avg a given): a ← α·a + (1 − α)·g;  d ← √(s − a·a) + ε;  else d ← √s + ε
///     momentum (buffer b given): b ← μ·b + g/d;  p ← p − γ·b;  else p ← p − γ·g/d
/// `grad_avg` and `momentum_buffer` may be NULL; `g` is not written. No two buffers overlap.
void ck_rmsprop_update(float *p, const float *g, float *square_avg, float *grad_avg, float *momentum_buffer,
                       size_t count, ck_rmsprop_step step);

#ifdef __cplusplus
}
#endif

#endif
