// Debian's libopenblas-dev puts cblas.h under an OpenBLAS-specific include directory that
// pkg-config (`openblas`) adds to the search path.
#include <cblas.h>
