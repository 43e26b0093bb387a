#!/usr/bin/env bash
# One-command set-up on a fresh Debian 12 machine: installs every dependency
# (Debian packages + LibTorch from the torch wheel on PyPI) and configures and
# builds the project into ./build. Safe to re-run; later runs are incremental.
#
#   bash launch/setup.sh            # as root, or with sudo available
#
# Environment knobs:
#   DREAMER_BUILD_DIR   build folder (default: build)
#   DREAMER_VENV        Python venv holding torch (default: .venv)
#   DREAMER_JOBS        parallel compile jobs (default: nproc)
#   DREAMER_CMAKE_ARGS  extra configure arguments (e.g. -DDREAMER_ENABLE_CUDA=OFF)
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${DREAMER_BUILD_DIR:-build}
venv=${DREAMER_VENV:-.venv}
jobs=${DREAMER_JOBS:-$(nproc)}
torch_spec="torch==2.11.*"  # the GPU machines run torch 2.11; keep them in step

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

packages=(
  build-essential cmake git pkg-config ccache python3 python3-venv python3-pip
  libopenmpi-dev openmpi-bin            # MPI runtime (actors/replay/learners/gate)
  libhdf5-dev hdf5-tools                # checkpoints, replay dumps; h5dump
  libcereal-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev             # GoogleTest
  libssl-dev                            # sha256 of ROMs/states/goals
  libpng-dev libgif-dev                 # reference images, plots, GIF videos
  libprotobuf-dev protobuf-compiler     # TensorBoard event files
  libopenblas-dev                       # fast CPU BLAS
  libmgba-dev                           # test-only: mGBA as emulator oracle
  slurm-wlm munge                       # test-only: one-node Slurm cluster
  clang libclang-rt-dev clang-format    # test-only: fuzz/sanitizer variant, format check
)
echo "== installing Debian packages"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

echo "== installing LibTorch ($torch_spec) into $venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
# No pip cache: the torch wheel and its CUDA libraries are ~3 GB more on disk.
"$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "$torch_spec" numpy h5py tensorboard
torch_cmake=$("$venv/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)')

# ccache keys on compile lines: relative paths let checkouts share objects.
export CCACHE_BASEDIR="$PWD"
echo "== configuring $build_dir"
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_cmake" \
  -DDREAMER_PYTHON="$PWD/$venv/bin/python" ${DREAMER_CMAKE_ARGS:-}
echo "== building with $jobs jobs"
cmake --build "$build_dir" -j "$jobs"
echo "== done: run the tests with  ctest --test-dir $build_dir --output-on-failure -j 2"
