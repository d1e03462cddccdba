// Optimizer update rules that run over every parameter each step.
#include "CKernels.h"
#include "Multiversion.h"

#include <math.h>

CK_MULTIVERSION
void ck_sgd_update(float *p, const float *g, size_t count, float learning_rate, float weight_decay) {
    if (weight_decay == 0.0f) {
        for (size_t i = 0; i < count; i++) p[i] = p[i] - learning_rate * g[i];
    } else {
        for (size_t i = 0; i < count; i++) p[i] = p[i] - learning_rate * (g[i] + weight_decay * p[i]);
    }
}

/// √x without errno: `sqrtf` must set errno for x < 0, which keeps the loop scalar.
static inline float ck_sqrt(float x) {
#if __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(x);
#else
    return sqrtf(x);
#endif
}

CK_MULTIVERSION
void ck_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                    size_t count, ck_adam_step step) {
    const float b1 = step.beta1, b2 = step.beta2, keep1 = 1.0f - b1, keep2 = 1.0f - b2;
    for (size_t i = 0; i < count; i++) {
        float p0 = p[i];
        float gi = g[i] + step.l2 * p0;
        float mi = b1 * m[i] + keep1 * gi;
        float vi = b2 * v[i] + keep2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p0 * step.decay - step.step_size * mi / (ck_sqrt(vi) / step.bias_correction2_sqrt + step.eps);
    }
}

// SGD with momentum. The flags are compile-time constants in each of the four calls below, so
// the compiler builds four branch-free loops and vectorizes each.
static inline __attribute__((always_inline))
void ck_sgd_momentum_loop(float *restrict p, const float *restrict g, float *restrict b, size_t count,
                          ck_sgd_momentum_step s, int first, int nesterov) {
    const float lr = s.learning_rate, wd = s.weight_decay, mu = s.momentum, keep = 1.0f - s.dampening;
    for (size_t i = 0; i < count; i++) {
        // λ·p is added even when λ = 0, as the Swift rule did: 0·∞ = NaN and −0 + 0 = +0 must
        // come out the same.
        float d = g[i] + wd * p[i];
        float buf = first ? d : mu * b[i] + keep * d;
        b[i] = buf;
        p[i] = p[i] - lr * (nesterov ? d + mu * buf : buf);
    }
}

CK_MULTIVERSION
void ck_sgd_momentum_update(float *restrict p, const float *restrict g, float *restrict b, size_t count,
                            ck_sgd_momentum_step step) {
    if (step.first) {
        if (step.nesterov) ck_sgd_momentum_loop(p, g, b, count, step, 1, 1);
        else ck_sgd_momentum_loop(p, g, b, count, step, 1, 0);
    } else {
        if (step.nesterov) ck_sgd_momentum_loop(p, g, b, count, step, 0, 1);
        else ck_sgd_momentum_loop(p, g, b, count, step, 0, 0);
    }
}

// RMSprop; as above, one loop per combination of centered and momentum.
static inline __attribute__((always_inline))
void ck_rmsprop_loop(float *restrict p, const float *restrict g, float *restrict s, float *restrict a,
                     float *restrict b, size_t count, ck_rmsprop_step r, int centered, int momentum) {
    const float alpha = r.alpha, keep = 1.0f - r.alpha, lr = r.learning_rate, wd = r.weight_decay;
    const float mu = r.momentum, eps = r.eps;
    for (size_t i = 0; i < count; i++) {
        float gi = g[i] + wd * p[i];
        float si = alpha * s[i] + keep * gi * gi;
        s[i] = si;
        float denom;
        if (centered) {
            float ai = alpha * a[i] + keep * gi;
            a[i] = ai;
            denom = ck_sqrt(si - ai * ai) + eps;
        } else {
            denom = ck_sqrt(si) + eps;
        }
        if (momentum) {
            float bi = mu * b[i] + gi / denom;
            b[i] = bi;
            p[i] = p[i] - lr * bi;
        } else {
            p[i] = p[i] - lr * gi / denom;
        }
    }
}

CK_MULTIVERSION
void ck_rmsprop_update(float *restrict p, const float *restrict g, float *restrict square_avg,
                       float *restrict grad_avg, float *restrict momentum_buffer, size_t count,
                       ck_rmsprop_step step) {
    float *s = square_avg, *a = grad_avg, *b = momentum_buffer;
    if (a) {
        if (b) ck_rmsprop_loop(p, g, s, a, b, count, step, 1, 1);
        else ck_rmsprop_loop(p, g, s, a, b, count, step, 1, 0);
    } else {
        if (b) ck_rmsprop_loop(p, g, s, a, b, count, step, 0, 1);
        else ck_rmsprop_loop(p, g, s, a, b, count, step, 0, 0);
    }
}
