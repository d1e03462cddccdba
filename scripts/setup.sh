# Sets up ddp-train on a Debian machine with Swift, in the current shell:
#   source scripts/setup.sh
# Installs Open MPI, OpenBLAS and pkg-config with apt-get when missing, builds ddp-train in
# release mode, puts it on the PATH, and sets what Open MPI needs here (running as root, more
# ranks than cores). Sourced rather than run, so those settings stay in your shell.
_ddp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$_ddp_root/scripts/setup-system.sh" || return 1 2>/dev/null || exit 1
echo "setup: building ddp-train (release)…" >&2
if ! (cd "$_ddp_root" && swift build -c release --product ddp-train >&2); then
    echo "setup: the build failed; see the messages above" >&2
    return 1 2>/dev/null || exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    _ddp_bin=/usr/local/bin
else
    _ddp_bin="$HOME/.local/bin"
    mkdir -p "$_ddp_bin"
    case ":$PATH:" in *":$_ddp_bin:"*) ;; *) export PATH="$_ddp_bin:$PATH" ;; esac
fi
ln -sf "$_ddp_root/.build/release/ddp-train" "$_ddp_bin/ddp-train"
echo "setup: ddp-train is at $_ddp_bin/ddp-train" >&2
unset _ddp_root _ddp_bin
