// The linear layer's bias: broadcast into the output rows, and summed back over them.
#include "CKernels.h"
#include "Multiversion.h"

#include <string.h>

CK_MULTIVERSION
void ck_sum_rows(const float *g, size_t rows, size_t columns, float *dst, int accumulate) {
    if (!accumulate) memset(dst, 0, columns * sizeof *dst);
    // Row by row, each column's sum is built in row order, as the scalar definition says.
    for (size_t r = 0; r < rows; r++) {
        const float *row = g + r * columns;
        for (size_t j = 0; j < columns; j++) dst[j] = dst[j] + row[j];
    }
}

CK_MULTIVERSION
void ck_broadcast_rows(const float *row, size_t rows, size_t columns, float *dst) {
    // Rows are short (128 scalars in the seed's MLP): an inlined copy loop beats a memcpy call
    // per row.
    for (size_t r = 0; r < rows; r++) {
        float *out = dst + r * columns;
        for (size_t j = 0; j < columns; j++) out[j] = row[j];
    }
}
