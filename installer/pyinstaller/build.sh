#!/usr/bin/env bash
# Builds the kiosk as one folder with PyInstaller: dist/station-kiosk/station-kiosk.
#
#   bash installer/pyinstaller/build.sh [--dist DIR] [--work DIR]
#
# Uses the project's .venv (PyInstaller comes with the dev extra: setup.sh --dev). The same spec
# builds on Windows with `python -m PyInstaller` from PowerShell, see installer/WINDOWS.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) DIST="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "build.sh：未知参数 $1（可用：--dist 目录 --work 目录）" >&2; exit 2 ;;
    esac
done
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "build.sh：$PYTHON 中没有 PyInstaller，请先运行 bash installer/setup.sh --dev。" >&2
    exit 2
fi
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$HERE/station-kiosk.spec"
echo "$DIST/station-kiosk/station-kiosk"
