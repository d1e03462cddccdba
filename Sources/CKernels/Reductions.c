// Reductions over a whole tensor: the squared L2 norm, for gradient norms, clipping and the
// non-finite check.
#include "CKernels.h"
#include "Multiversion.h"

CK_MULTIVERSION
double ck_sum_of_squares(const float *x, size_t count) {
    // Eight partial sums, lane j taking elements j, j + 8, j + 16, …, then added in lane
    // order: a fixed association that every clone vectorizes as it likes (8 doubles are one
    // AVX-512 register, two AVX2 ones), so the result is the same bits on every CPU.
    double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        for (size_t j = 0; j < 8; j++) {
            double v = (double)x[i + j];
            lanes[j] = lanes[j] + v * v;
        }
    }
    for (size_t j = 0; i + j < count; j++) {
        double v = (double)x[i + j];
        lanes[j] = lanes[j] + v * v;
    }
    double sum = 0;
    for (size_t j = 0; j < 8; j++) sum = sum + lanes[j];
    return sum;
}
