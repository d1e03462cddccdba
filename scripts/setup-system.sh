# Sourced by the setup scripts: installs Open MPI, OpenBLAS and pkg-config from Debian when
# they are missing, and sets what Open MPI needs to run as root and on few cores.
need=()
pkg-config --exists ompi-c 2>/dev/null && command -v mpirun >/dev/null || need+=(libopenmpi-dev openmpi-bin)
pkg-config --exists openblas 2>/dev/null || need+=(libopenblas-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]} with apt-get" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        "${need[@]}" pkg-config >/dev/null
fi
if [ "$(id -u)" -eq 0 ]; then
    # A bare mpirun refuses to run as root; these two variables are Open MPI's documented opt-in.
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Ranks share the cores: one BLAS thread each, and let Open MPI place more ranks than cores.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export OMPI_MCA_rmaps_base_oversubscribe="${OMPI_MCA_rmaps_base_oversubscribe:-1}"
