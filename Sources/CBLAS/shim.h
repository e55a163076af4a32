/* OpenBLAS cblas plus the Fortran LAPACK symbols that Debian's libopenblas exports
   (Debian builds OpenBLAS with NO_LAPACKE, so there is no lapacke.h). gfortran appends
   a hidden size_t length argument for every CHARACTER argument. */
#include <stddef.h>
#include <cblas.h>

char *openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);

void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info, size_t uplo_len);
void spotri_(const char *uplo, const int *n, float *a, const int *lda, int *info, size_t uplo_len);
void sposv_(const char *uplo, const int *n, const int *nrhs, float *a, const int *lda,
            float *b, const int *ldb, int *info, size_t uplo_len);
