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
