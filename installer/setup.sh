#!/usr/bin/env bash
# Sets up this checkout to run the kiosk (and, with --dev, its tests) on Debian or Ubuntu.
#
#   bash installer/setup.sh          system libraries, a CJK font, espeak-ng, Zinnia, .venv with the
#                                    kiosk, the handwriting model (compiled from npm stroke data)
#   bash installer/setup.sh --dev    the same, plus the test tools and the test-only services
#
# Idempotent: it installs only what is missing, and reinstalls the Python packages only when
# pyproject.toml has changed since the last run. A second run takes a few seconds and changes
# nothing.
set -euo pipefail

cd "$(dirname "$0")/.."
DEV=0
for arg in "$@"; do
    case "$arg" in
        --dev) DEV=1 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "setup.sh：未知参数 $arg（可用：--dev）" >&2; exit 2 ;;
    esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- system packages -----------------------------------------------------------------------
# Qt 6 from the PySide6 wheels brings its own Qt libraries but needs these from the system:
# GL/EGL, fontconfig, D-Bus, xkbcommon, the xcb libraries for X11 and the Wayland client libs.
PACKAGES=(
    python3 python3-venv python3-pip
    libgl1 libegl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0
    libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-glx0
    libwayland-client0 libwayland-cursor0 libwayland-egl1
    fonts-noto-cjk        # the CJK font: Chinese names, rare characters such as 喆 堃 昇 淼
    fonts-arphic-ukai fonts-arphic-uming  # 楷体/明体 for the synthetic papers of the pre-check
    libzbar0              # the optional pyzbar barcode back end
    espeak-ng             # spoken prompts (Mandarin voice cmn)
    libzinnia0 tegaki-zinnia-simplified-chinese  # handwriting: Zinnia and its GB2312 model
)
DEV_PACKAGES=(
    poppler-utils         # pdftoppm: tests look at rendered PDFs
    gcc libc6-dev         # tests build a small C library that stands in for a vendor ID-reader SDK
    cups printer-driver-cups-pdf  # A4 tests print through a private cupsd into PDF files
    util-linux            # unshare: that cupsd runs in its own mount namespace (as root)
    systemd               # systemd-analyze verify on the station's units
    cage xwayland         # the kiosk session test runs the app under a headless cage
    binutils              # objdump, for the PyInstaller build test
    chromium chromium-driver  # the fleet console's browser tests (selenium drives Debian's own build)
    postgresql            # the fleet console's tests and benchmark start throw-away servers (console/pgtemp.py)
)
[ "$DEV" = 1 ] && PACKAGES+=("${DEV_PACKAGES[@]}")

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm fetches the handwriting stroke data (below); any npm will do (Debian's, or one that came
# with a Node.js install), so it is only installed when none is there.
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    say "安装系统软件包：${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    say "系统软件包已齐全"
fi

# --- Python environment --------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "setup.sh：需要 Python 3.11 或更新版本，现在是 $("$PYTHON" --version 2>&1)。" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    say "创建 .venv"
    "$PYTHON" -m venv .venv
fi

# An `if`, not `[ … ] && …`: under `set -e` a command substitution that ends false aborts the
# assignment holding it, which made the plain (non --dev) setup stop here with status 1.
extras=""
stamp=".venv/.installed"
if [ "$DEV" = 1 ]; then
    extras="[dev]"
    stamp=".venv/.installed-dev"
fi
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
# The dev install is a superset of the plain one: once it is current, the plain run must not
# reinstall (a reinstall swaps cv2's files in place, under any test or kiosk importing it).
if [ "$DEV" = 0 ] && [ -f .venv/.installed-dev ] && [ "$(cat .venv/.installed-dev)" = "$want" ]; then
    stamp=".venv/.installed-dev"
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "安装 Python 依赖 ${extras}"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extras}"
    # rapidocr-onnxruntime depends on opencv-python, whose cv2 brings its own Qt plugins and
    # overwrites the files of opencv-python-headless (the same cv2 without GUI) in place; the Qt
    # of PySide6 must be the only one. Keep the headless build alone, at its resolved version.
    if .venv/bin/python -m pip show -q opencv-python >/dev/null 2>&1; then
        headless="$(.venv/bin/python -m pip show opencv-python-headless | sed -n 's/^Version: //p')"
        .venv/bin/python -m pip uninstall -q -y opencv-python
        .venv/bin/python -m pip install -q --force-reinstall --no-deps "opencv-python-headless==${headless}"
    fi
    echo "$want" > "$stamp"
else
    say "Python 依赖已是最新"
fi
# --- handwriting model ---------------------------------------------------------------------
# The template recogniser's model, compiled from npm stroke data into .venv/share/station-kiosk/
# (outside git); skipped when current. See installer/handwriting-model.sh.
say "手写识别模型"
bash installer/handwriting-model.sh .venv/bin/python
say "完成"
