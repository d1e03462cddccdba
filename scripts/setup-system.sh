# Sourced by scripts/setup.sh and scripts/test.sh: installs Open MPI, OpenBLAS and pkg-config
# from Debian when they are missing, and sets what Open MPI needs to run as root and with more
# ranks than cores.
_ddp_need=()
{ pkg-config --exists ompi-c 2>/dev/null && command -v mpirun >/dev/null; } || _ddp_need+=(libopenmpi-dev openmpi-bin)
pkg-config --exists openblas 2>/dev/null || _ddp_need+=(libopenblas-dev)
command -v pkg-config >/dev/null || _ddp_need+=(pkg-config)
if [ ${#_ddp_need[@]} -gt 0 ]; then
    echo "setup: installing ${_ddp_need[*]} with apt-get" >&2
    _ddp_sudo=""
    [ "$(id -u)" -ne 0 ] && _ddp_sudo="sudo"
    $_ddp_sudo apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive $_ddp_sudo apt-get install -y -qq --no-install-recommends \
        "${_ddp_need[@]}" pkg-config >/dev/null || return 1
fi
if [ "$(id -u)" -eq 0 ]; then
    # A bare mpirun refuses to run as root; these two variables are Open MPI's documented opt-in.
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Ranks share the cores: one BLAS thread each, and let Open MPI place more ranks than cores.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export OMPI_MCA_rmaps_base_oversubscribe="${OMPI_MCA_rmaps_base_oversubscribe:-1}"
unset _ddp_need _ddp_sudo
