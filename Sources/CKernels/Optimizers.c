// Optimizer update rules that run over every parameter each step.
#include "CKernels.h"
#include "Multiversion.h"

CK_MULTIVERSION
void ck_sgd_update(float *p, const float *g, size_t count, float learning_rate, float weight_decay) {
    if (weight_decay == 0.0f) {
        for (size_t i = 0; i < count; i++) p[i] = p[i] - learning_rate * g[i];
    } else {
        for (size_t i = 0; i < count; i++) p[i] = p[i] - learning_rate * (g[i] + weight_decay * p[i]);
    }
}
