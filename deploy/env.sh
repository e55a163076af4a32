# Sourced by every Novarec launcher: picks OpenBLAS's kernels for this CPU.
# OpenBLAS 0.3.21 does not recognise some recent CPUs and silently falls back to generic
# "Prescott" kernels (5x slower). It reads OPENBLAS_CORETYPE only when the library loads,
# so the variable must be set before the process starts. An explicit setting wins.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
    novarec_flags=$(grep -m1 '^flags' /proc/cpuinfo)
    case "$novarec_flags" in
        *avx512f*avx512bw*|*avx512bw*avx512f*) export OPENBLAS_CORETYPE=SkylakeX ;;
        *avx2*) export OPENBLAS_CORETYPE=Haswell ;;
    esac
    unset novarec_flags
fi
