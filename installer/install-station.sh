#!/usr/bin/env bash
# Installs the station kiosk on a dedicated Debian 12 / Ubuntu 24.04 PC, from this checkout.
#
#   sudo bash installer/install-station.sh [options]
#   bash installer/install-station.sh --dry-run [options]     print what it would do, change nothing
#
# What it sets up (see installer/README.md):
#   user `kiosk` (no login, no home in /home)   app in /opt/station-kiosk (root-owned): versions/<v>/,
#                                              current -> versions/<v>, venv/ (shared), bin/
#   /etc/station-kiosk/station.toml (0640)     keys in /etc/station-kiosk/keys (0700 kiosk)
#   data in /var/lib/station-kiosk (0700)      systemd: station-kiosk.service (cage on tty1),
#   station-kiosk-sync.service + .timer (daily) udev: /dev/idcard, /dev/receipt   CUPS: the A4 printer
#
# Options:
#   --dry-run                 print every action (and what is already in place), change nothing
#   --idcard SPEC             ID-card reader's USB serial adapter -> /dev/idcard
#   --receipt SPEC            receipt printer's USB serial adapter -> /dev/receipt
#                             SPEC is VID:PID (e.g. 1a86:7523), VID:PID:SERIAL, or path=ID_PATH
#                             (two identical adapters: tell them apart by USB port, see README)
#   --printer-name NAME       A4 printer queue name in CUPS (e.g. A4)
#   --printer-uri URI         its device URI (`lpinfo -v` lists them), e.g. ipp://192.168.1.20/ipp/print
#   --printer-model MODEL     CUPS model (default: everywhere, i.e. driverless IPP); or a PPD file
#   --rotate N                turn the picture N quarter turns clockwise (portrait panels), 0-3
#   --wheelhouse DIR          install Python packages offline from DIR (pip download on a connected PC)
#   --constraint FILE         pip constraints, e.g. installer/constraints-glibc228.txt
#   --start                   (re)start the kiosk at the end (default: on next boot)
#   --render-units DIR        only write the rendered systemd units, PAM file, session script and
#                             udev rules into DIR (for checks and packaging), then exit
#   --prefix DIR / --config-dir DIR / --data-dir DIR / --user NAME   change the defaults above
#   --app-only                only the program under --prefix (versions/, current, bin/, venv): no
#                             packages, user, configuration, units or devices; no root needed
#                             (packaging checks and tests)
#   --venv DIR                use this existing Python environment as PREFIX/venv (a link; pip is
#                             not run): an environment prepared beforehand, or the tests' own
#
# Idempotent: every step checks first and changes only what differs; a second run changes nothing.
# Exit codes: 0 done, 1 a step failed, 2 wrong usage or unsupported system.
set -euo pipefail

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
INSTALLER="$SOURCE/installer"
PREFIX=/opt/station-kiosk
ETC=/etc/station-kiosk
DATA_DIR=/var/lib/station-kiosk
KIOSK_USER=kiosk
DRY_RUN=0
START=0
IDCARD=""
RECEIPT=""
PRINTER_NAME=""
PRINTER_URI=""
PRINTER_MODEL=everywhere
ROTATE=0
ROTATE_GIVEN=0
WHEELHOUSE=""
CONSTRAINT=""
RENDER_DIR=""
APP_ONLY=0
VENV=""
SYSTEMD_DIR=/etc/systemd/system

usage() {
    cat <<'TXT'
用法：sudo bash installer/install-station.sh [选项]
      bash installer/install-station.sh --dry-run [选项]    只显示将要做的事，不做任何改动

把本机（Debian 12 / Ubuntu 24.04）装成驿站自助终端：专用用户 kiosk、/opt/station-kiosk 下的程序、
/etc/station-kiosk 下的配置与密钥、/var/lib/station-kiosk 下的数据、cage 全屏会话与 systemd 服务、
每日同步定时器、串口设备固定名称、CUPS 中的 A4 打印机。可重复运行，只改动不一致之处。

选项：
  --dry-run                演练：列出每一步和已就绪的部分，不做改动
  --idcard 设备            身份证阅读器的 USB 串口 -> /dev/idcard
  --receipt 设备           凭条打印机的 USB 串口 -> /dev/receipt
                           设备写作 VID:PID（如 1a86:7523）、VID:PID:序列号，或 path=ID_PATH（按 USB 插口区分
                           两个相同的转换器），查找方法见 installer/udev/60-station-kiosk-serial.rules.example
  --printer-name 名称      CUPS 中 A4 打印机的队列名（如 A4）
  --printer-uri 地址       打印机地址（lpinfo -v 列出），如 ipp://192.168.1.20/ipp/print
  --printer-model 型号     CUPS 型号（缺省 everywhere，即免驱 IPP），或 PPD 文件路径
  --rotate N               画面顺时针旋转 N 个 90 度（竖装屏），0–3
  --wheelhouse 目录        离线安装 Python 软件包（在联网电脑上 pip download 得到）
  --constraint 文件        pip 约束文件，如 installer/constraints-glibc228.txt
  --start                  装完立即（重新）启动自助终端（缺省：下次开机）
  --render-units 目录      只把填好路径的 systemd 单元、PAM 文件、会话脚本和 udev 规则写到该目录后退出
  --prefix 目录 / --config-dir 目录 / --data-dir 目录 / --user 用户名   修改上述缺省位置
  --app-only               只安装程序本身（--prefix 下的 versions/、current、bin/、venv），不装系统软件包、
                           不建用户、不写配置与服务；无需 root（用于打包检查与测试）
  --venv 目录              使用已有的 Python 环境作为 PREFIX/venv（建立链接，不运行 pip）
退出码：0 完成，1 某一步失败，2 参数错误或系统不支持。说明：installer/README.md
TXT
}
die() { echo "install-station.sh：$*" >&2; exit 2; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 需要一个值"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) DRY_RUN=1; shift ;;
        --start) START=1; shift ;;
        --idcard) need_value "$@"; IDCARD="$2"; shift 2 ;;
        --receipt) need_value "$@"; RECEIPT="$2"; shift 2 ;;
        --printer-name) need_value "$@"; PRINTER_NAME="$2"; shift 2 ;;
        --printer-uri) need_value "$@"; PRINTER_URI="$2"; shift 2 ;;
        --printer-model) need_value "$@"; PRINTER_MODEL="$2"; shift 2 ;;
        --rotate) need_value "$@"; ROTATE="$2"; ROTATE_GIVEN=1; shift 2 ;;
        --wheelhouse) need_value "$@"; WHEELHOUSE="$2"; shift 2 ;;
        --constraint) need_value "$@"; CONSTRAINT="$2"; shift 2 ;;
        --render-units) need_value "$@"; RENDER_DIR="$2"; shift 2 ;;
        --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
        --config-dir) need_value "$@"; ETC="$2"; shift 2 ;;
        --data-dir) need_value "$@"; DATA_DIR="$2"; shift 2 ;;
        --user) need_value "$@"; KIOSK_USER="$2"; shift 2 ;;
        --app-only) APP_ONLY=1; shift ;;
        --venv) need_value "$@"; VENV="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "未知参数 $1（--help 查看用法）" ;;
    esac
done
KEY_DIR="$ETC/keys"
CONFIG="$ETC/station.toml"
# The version this checkout installs: pyproject.toml's [project] version, which the program reads
# back from the package metadata written into its tree below (kiosk/station/version.py).
APP_VERSION="$(sed -n '/^\[project\]/,/^\[/s/^version = "\([^"]*\)"$/\1/p' "$SOURCE/pyproject.toml" 2>/dev/null | head -n 1)"

case "$ROTATE" in 0|1|2|3) ;; *) die "--rotate 只能是 0、1、2 或 3，现在是 $ROTATE" ;; esac
if [ -n "$PRINTER_NAME" ] || [ -n "$PRINTER_URI" ]; then
    [ -n "$PRINTER_NAME" ] && [ -n "$PRINTER_URI" ] || die "--printer-name 与 --printer-uri 须同时给出"
    [[ "$PRINTER_NAME" =~ ^[A-Za-z0-9_-]+$ ]] || die "打印机名只能含字母、数字、- 和 _：$PRINTER_NAME"
fi
for abs in "$PREFIX" "$ETC" "$DATA_DIR" ${VENV:+"$VENV"}; do
    case "$abs" in /*) ;; *) die "路径须为绝对路径：$abs" ;; esac
done
case "$DATA_DIR/" in "$ETC"/*) die "数据目录不能在配置目录之内" ;; esac

# --- helpers -----------------------------------------------------------------------------------

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# Run a command, or print it in a dry run.
run() {
    if [ "$DRY_RUN" = 1 ]; then
        printf '    [将执行] %s\n' "$(printf '%q ' "$@")"
    else
        printf '    + %s\n' "$(printf '%q ' "$@")"
        "$@"
    fi
}

# Fill in the @…@ placeholders of a template.
render() {
    sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@ETC@|$ETC|g" -e "s|@CONFIG@|$CONFIG|g" \
        -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@KEY_DIR@|$KEY_DIR|g" -e "s|@USER@|$KIOSK_USER|g" "$1"
}

CHANGED=0
# put_file CONTENT_FILE DEST MODE OWNER GROUP: install when content, mode or owner differ.
put_file() {
    local src="$1" dest="$2" mode="$3" owner="$4" group="$5"
    if [ -f "$dest" ] && cmp -s "$src" "$dest" \
        && [ "$(stat -c '%a %U %G' "$dest")" = "$(printf '%o' "$((8#$mode))") $owner $group" ]; then
        note "不变：$dest"
        return 0
    fi
    CHANGED=1
    if [ "$DRY_RUN" = 1 ]; then
        note "[将写入] $dest（权限 $mode，属主 $owner:$group）"
    else
        install -D -m "$mode" -o "$owner" -g "$group" "$src" "$dest"
        note "已写入：$dest"
    fi
}

# put_dir DIR MODE OWNER GROUP
put_dir() {
    local dir="$1" mode="$2" owner="$3" group="$4"
    if [ -d "$dir" ] && [ "$(stat -c '%a %U %G' "$dir")" = "$(printf '%o' "$((8#$mode))") $owner $group" ]; then
        note "不变：$dir/"
        return 0
    fi
    run install -d -m "$mode" -o "$owner" -g "$group" "$dir"
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# udev rule for one adapter: SPEC -> match keys.
udev_match() {
    local spec="$1" vid pid serial
    case "$spec" in
        path=*) printf 'ENV{ID_PATH}=="%s"' "${spec#path=}" ;;
        *)
            IFS=: read -r vid pid serial <<<"$spec"
            [[ "$vid" =~ ^[0-9a-fA-F]{4}$ && "$pid" =~ ^[0-9a-fA-F]{4}$ ]] \
                || die "USB 设备应写成 VID:PID（4 位十六进制，如 1a86:7523），现在是 $spec"
            printf 'ATTRS{idVendor}=="%s", ATTRS{idProduct}=="%s"' "${vid,,}" "${pid,,}"
            [ -n "$serial" ] && printf ', ATTRS{serial}=="%s"' "$serial"
            ;;
    esac
    return 0
}

write_udev_rules() {
    local out="$1"
    {
        echo "# Stable names for the kiosk's serial devices. Written by install-station.sh; see"
        echo "# installer/udev/60-station-kiosk-serial.rules.example for how to find the ids."
        echo "# ID_MM_DEVICE_IGNORE keeps ModemManager from probing the ports with AT commands."
        if [ -n "$IDCARD" ]; then
            echo "SUBSYSTEM==\"tty\", $(udev_match "$IDCARD"), SYMLINK+=\"idcard\", GROUP=\"dialout\", MODE=\"0660\", ENV{ID_MM_DEVICE_IGNORE}=\"1\""
        fi
        if [ -n "$RECEIPT" ]; then
            echo "SUBSYSTEM==\"tty\", $(udev_match "$RECEIPT"), SYMLINK+=\"receipt\", GROUP=\"dialout\", MODE=\"0660\", ENV{ID_MM_DEVICE_IGNORE}=\"1\""
        fi
    } >"$out"
}

render_all() {
    local out="$1"
    mkdir -p "$out"
    for unit in station-kiosk.service station-kiosk-sync.service station-kiosk-sync.timer \
        station-kiosk-update.path station-kiosk-update.service; do
        render "$INSTALLER/systemd/$unit" >"$out/$unit"
    done
    for script in station-kiosk-session station-kiosk-run; do
        render "$INSTALLER/bin/$script" >"$out/$script"
        chmod 0755 "$out/$script"
    done
    # The version guard is kiosk/station/versions.py itself (standard library only), kept outside versions/.
    cp "$SOURCE/kiosk/station/versions.py" "$out/station-kiosk-versions"
    chmod 0755 "$out/station-kiosk-versions"
    cp "$INSTALLER/pam/station-kiosk" "$out/pam-station-kiosk"
    if [ -n "$IDCARD$RECEIPT" ]; then write_udev_rules "$out/60-station-kiosk-serial.rules"; fi
}

if [ -n "$RENDER_DIR" ]; then
    render_all "$RENDER_DIR"
    echo "$RENDER_DIR"
    exit 0
fi

# --- checks ------------------------------------------------------------------------------------

[ "$DRY_RUN" = 1 ] && say "演练模式（--dry-run）：只显示将要做的事，不做任何改动"
. /etc/os-release 2>/dev/null || die "无法识别操作系统（没有 /etc/os-release）"
case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "*|*" ubuntu "*) ;;
    *) die "本脚本用于 Debian/Ubuntu，当前系统是 ${PRETTY_NAME:-未知}。统信 UOS、麒麟请见 installer/DOMESTIC-LINUX.md。" ;;
esac
if [ "$DRY_RUN" = 0 ] && [ "$APP_ONLY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
    die "需要 root 权限：sudo bash installer/install-station.sh（或先用 --dry-run 查看）"
fi
[ -f "$SOURCE/main.py" ] && [ -f "$SOURCE/pyproject.toml" ] || die "$SOURCE 不是自助终端的源码目录"
[[ "$APP_VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || die "读不出 $SOURCE/pyproject.toml 中的版本号（[project] version）"
[ -z "$VENV" ] || [ -x "$VENV/bin/python" ] || die "--venv $VENV 不是 Python 环境（没有 $VENV/bin/python）"
PYTHON=python3
if command -v "$PYTHON" >/dev/null && ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    die "需要 Python 3.11 或更新版本，本机是 $("$PYTHON" --version 2>&1)（Ubuntu 22.04 请改用 24.04，或用 PyInstaller 构建包，见 installer/README.md）。"
fi
[ -z "$WHEELHOUSE" ] || [ -d "$WHEELHOUSE" ] || die "找不到离线软件包目录 $WHEELHOUSE"
[ -z "$CONSTRAINT" ] || [ -f "$CONSTRAINT" ] || die "找不到约束文件 $CONSTRAINT"
if [ -n "$IDCARD" ]; then udev_match "$IDCARD" >/dev/null; fi
if [ -n "$RECEIPT" ]; then udev_match "$RECEIPT" >/dev/null; fi
# Who owns the program files: root on a station; with --app-only (no root needed), the caller.
if [ "$APP_ONLY" = 1 ]; then
    APP_OWNER="$(id -un)"; APP_GROUP="$(id -gn)"
else
    APP_OWNER=root; APP_GROUP=root
fi

# --- 1. system packages --------------------------------------------------------------------------

say "1/9 系统软件包"
if [ "$APP_ONLY" = 1 ]; then
    note "跳过（--app-only）"
else
PACKAGES=(
    python3 python3-venv
    cage xwayland               # the kiosk compositor; cage (Debian build) refuses to start without Xwayland
    util-linux                  # setterm: no console blanking
    cups cups-client            # the A4 printer
    fonts-noto-cjk espeak-ng libzbar0
    libzinnia0 tegaki-zinnia-simplified-chinese   # handwriting: Zinnia and its GB2312 model
    libgl1 libegl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0
    libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-glx0
    libwayland-client0 libwayland-cursor0 libwayland-egl1
)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm fetches the handwriting stroke data in step 4, unless the wheelhouse already holds it.
if ! command -v npm >/dev/null && [ -z "$WHEELHOUSE" ]; then missing+=(npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    run apt-get update -qq
    run apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    note "已齐全"
fi
# brltty (a braille-display daemon) claims CH340/CH341 serial adapters on Ubuntu, taking the
# ID-card reader away; a kiosk has no braille display.
if dpkg-query -W -f='${Status}' brltty 2>/dev/null | grep -q "install ok installed"; then
    note "brltty 会占用 CH340 串口转换器，卸载"
    run apt-get remove -y -qq brltty
fi
fi

# --- 2. user -----------------------------------------------------------------------------------

say "2/9 专用用户 $KIOSK_USER"
if [ "$APP_ONLY" = 1 ]; then
    note "跳过（--app-only）"
elif id -u "$KIOSK_USER" >/dev/null 2>&1; then
    note "已存在"
else
    run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
        --shell /usr/sbin/nologin --comment "station kiosk" "$KIOSK_USER"
fi
for group in dialout video render input lp; do
    [ "$APP_ONLY" = 0 ] || break
    getent group "$group" >/dev/null || continue
    if id -nG "$KIOSK_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
        continue
    fi
    run usermod -aG "$group" "$KIOSK_USER"
done
# In a dry run the user may not exist yet: show the ownership it would get.
OWNER_GROUP="$KIOSK_USER"

# --- 3. directories ----------------------------------------------------------------------------

say "3/9 目录与权限"
put_dir "$PREFIX" 0755 "$APP_OWNER" "$APP_GROUP"
put_dir "$PREFIX/bin" 0755 "$APP_OWNER" "$APP_GROUP"
if [ "$APP_ONLY" = 0 ]; then
    put_dir "$ETC" 0750 root "$OWNER_GROUP"
    put_dir "$KEY_DIR" 0700 "$KIOSK_USER" "$OWNER_GROUP"
    put_dir "$DATA_DIR" 0700 "$KIOSK_USER" "$OWNER_GROUP"
fi

# --- 4. application and its Python environment --------------------------------------------------
#
# Layout (kiosk/station/versions.py): versions/<version>/ one program tree per version, `current` -> the one
# the services run, `previous` -> where a rollback goes. The Python environment (venv/) is shared
# by all versions: update packages carry code only (a station is often offline, PySide6 alone is
# ~500 MB), and `update apply` refuses a version whose dependencies differ — that one comes with
# its installer, this script, which rebuilds the environment.

say "4/9 程序（$PREFIX/versions/$APP_VERSION，current 指向它）与 Python 环境（$PREFIX/venv）"
TARGET="$PREFIX/versions/$APP_VERSION"
put_dir "$PREFIX/versions" 0755 "$APP_OWNER" "$APP_GROUP"
(cd "$SOURCE" && find . \( -name .git -o -name .venv -o -name __pycache__ -o -name build -o -name dist \
    -o -name .pytest_cache -o -name .ruff_cache -o -name .hypothesis \) -prune -o -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1 >"$TMP/source.sha256"
if [ -f "$TARGET/.source.sha256" ] && cmp -s "$TMP/source.sha256" "$TARGET/.source.sha256"; then
    note "程序不变：$TARGET"
elif [ -f "$TARGET/.update-manifest.json" ]; then
    # Installed by a signed update package: the same version number, already verified.
    note "不变：$TARGET（由签名更新包安装）"
elif [ "$DRY_RUN" = 1 ]; then
    note "[将复制] $SOURCE -> $TARGET（不含 .git、.venv、构建产物）"
else
    staging="$PREFIX/versions/$APP_VERSION.partial-install"
    rm -rf "$staging"
    mkdir -p "$staging"
    tar -C "$SOURCE" --exclude=.git --exclude=.venv --exclude=__pycache__ --exclude=./build \
        --exclude=./dist --exclude=.pytest_cache --exclude=.ruff_cache --exclude=.hypothesis -cf - . \
        | tar -C "$staging" -xf -
    # The package metadata the program reads its version from; a checkout's own (editable) one
    # would name the checkout, so it is left out.
    rm -rf "$staging"/station_kiosk*.egg-info "$staging"/station_kiosk-*.dist-info
    mkdir -p "$staging/station_kiosk-$APP_VERSION.dist-info"
    printf 'Metadata-Version: 2.1\nName: station-kiosk\nVersion: %s\n' "$APP_VERSION" \
        >"$staging/station_kiosk-$APP_VERSION.dist-info/METADATA"
    cp "$TMP/source.sha256" "$staging/.source.sha256"
    chown -R "$APP_OWNER:$APP_GROUP" "$staging"
    chmod -R u=rwX,go=rX "$staging"
    rm -rf "$TARGET.old-install"
    if [ -d "$TARGET" ]; then mv "$TARGET" "$TARGET.old-install"; fi
    mv "$staging" "$TARGET"
    rm -rf "$TARGET.old-install"
    note "已复制：$TARGET"
fi
# `current`: to this version, unless a signed update already runs a newer one (re-running the
# installer from the original checkout, e.g. to change --rotate, must not downgrade the station).
running="$("$PYTHON" -I "$SOURCE/kiosk/station/versions.py" --root "$PREFIX" current 2>/dev/null || true)"
if [ "$running" = "$APP_VERSION" ] && [ "$(readlink "$PREFIX/current" 2>/dev/null || true)" = "versions/$APP_VERSION" ]; then
    note "不变：$PREFIX/current -> versions/$APP_VERSION"
elif [ -n "$running" ] && [ "$running" != "$APP_VERSION" ] \
    && [ "$(printf '%s\n%s\n' "$running" "$APP_VERSION" | sort -V | tail -n 1)" = "$running" ]; then
    note "保留：$PREFIX/current 指向更新的版本 $running（签名更新包所装）；本次的 $APP_VERSION 只放在 $TARGET"
else
    run ln -sfn "versions/$APP_VERSION" "$PREFIX/.current-install"
    run mv -T "$PREFIX/.current-install" "$PREFIX/current"
    if [ "$DRY_RUN" = 0 ]; then rm -f "$PREFIX/trial.json"; fi
fi
# The scripts the units run, outside versions/ (an update does not change them; this script does).
render_all "$TMP/rendered"
for script in station-kiosk-session station-kiosk-run station-kiosk-versions; do
    put_file "$TMP/rendered/$script" "$PREFIX/bin/$script" 0755 "$APP_OWNER" "$APP_GROUP"
done
# The old layout ran $PREFIX/app directly; the scripts above now run current instead.
if [ -d "$PREFIX/app" ]; then
    note "旧布局的 $PREFIX/app 已由 versions/ 取代，删除"
    run rm -rf "$PREFIX/app"
fi
# The dependencies listed in pyproject.toml (the code itself runs from $PREFIX/current).
"$PYTHON" - "$SOURCE/pyproject.toml" >"$TMP/requirements.txt" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
PY
{ cat "$TMP/requirements.txt"; [ -n "$CONSTRAINT" ] && cat "$CONSTRAINT"; echo "wheelhouse=$WHEELHOUSE"; } \
    | sha256sum | cut -d' ' -f1 >"$TMP/requirements.sha256"
if [ -n "$VENV" ]; then
    if [ "$(readlink "$PREFIX/venv" 2>/dev/null || true)" = "$VENV" ]; then
        note "不变：$PREFIX/venv -> $VENV"
    elif [ -e "$PREFIX/venv" ] && [ ! -L "$PREFIX/venv" ]; then
        die "$PREFIX/venv 已是一个 Python 环境，不用 --venv 覆盖它"
    else
        run ln -sfn "$VENV" "$PREFIX/venv"
    fi
elif [ -x "$PREFIX/venv/bin/python" ] && [ -f "$PREFIX/venv/.requirements.sha256" ] \
    && cmp -s "$TMP/requirements.sha256" "$PREFIX/venv/.requirements.sha256"; then
    note "Python 依赖不变"
else
    [ -x "$PREFIX/venv/bin/python" ] || run "$PYTHON" -m venv "$PREFIX/venv"
    pip_args=(-q install --disable-pip-version-check -r "$TMP/requirements.txt")
    [ -n "$CONSTRAINT" ] && pip_args+=(-c "$CONSTRAINT")
    [ -n "$WHEELHOUSE" ] && pip_args+=(--no-index --find-links "$WHEELHOUSE")
    run "$PREFIX/venv/bin/python" -m pip "${pip_args[@]}"
    if [ "$DRY_RUN" = 0 ]; then cp "$TMP/requirements.sha256" "$PREFIX/venv/.requirements.sha256"; fi
fi
# Byte-compile the program once, here: the service user cannot write __pycache__ into this
# root-owned tree, so without it every start compiles the kiosk's modules again (≈ 30 ms of the
# start measured by benchmarks/startup.py). compileall skips what is already up to date.
if [ "$DRY_RUN" = 0 ] && [ -x "$PREFIX/venv/bin/python" ] && [ -d "$TARGET" ]; then
    "$PREFIX/venv/bin/python" -m compileall -q -j 0 "$TARGET" >/dev/null \
        || note "字节码预编译未全部完成（不影响运行，只是启动稍慢）"
fi
# The handwriting recogniser's model, compiled into the shared environment
# ($PREFIX/venv/share/station-kiosk/, outside versions/): installer/handwriting-model.sh. Offline
# (--wheelhouse), the two npm .tgz files are taken from the wheelhouse. Without it the kiosk still
# recognises handwriting with Zinnia alone, so a failure here is said, not fatal.
if [ -n "$VENV" ]; then
    if "$VENV/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1])
from devices.handwriting.modelfile import MODEL_VERSION, read_meta
from devices.handwriting.recogniser import default_model_path
meta = read_meta(default_model_path())
sys.exit(0 if meta and meta.get("version") == MODEL_VERSION else 1)' "$SOURCE" 2>/dev/null; then
        note "不变：手写识别模型（--venv 的环境中已有）"
    else
        note "--venv 的环境中没有手写识别模型：在该环境的源码目录运行 installer/setup.sh 生成"
    fi
elif [ -x "$PREFIX/venv/bin/python" ]; then
    hw_args=()
    [ -n "$WHEELHOUSE" ] && hw_args+=(--offline "$WHEELHOUSE")
    [ "$DRY_RUN" = 1 ] && hw_args+=(--dry-run)
    PYTHONPATH="$SOURCE" bash "$INSTALLER/handwriting-model.sh" "$PREFIX/venv/bin/python" "${hw_args[@]}" \
        || note "手写识别模型未生成：手写输入暂时只用 Zinnia（联网后重新运行本脚本即可补上）"
else
    note "[将生成] 手写识别模型（$PREFIX/venv/share/station-kiosk/，由 npm 笔画数据编译）"
fi
if [ "$APP_ONLY" = 1 ]; then
    say "完成（--app-only）：$PREFIX/current -> $(readlink "$PREFIX/current" 2>/dev/null || echo "versions/$APP_VERSION")"
    note "运行：$PREFIX/bin/station-kiosk-run --version"
    exit 0
fi

# --- 5. configuration ----------------------------------------------------------------------------

say "5/9 配置 $CONFIG"
if [ -f "$CONFIG" ]; then
    note "已存在，保留不动（本机的设置以它为准）"
    if [ "$DRY_RUN" = 0 ]; then
        PYTHONPATH="$(readlink -f "$PREFIX/current")" "$PREFIX/venv/bin/python" - "$CONFIG" <<'PY' || exit 1
import sys
from kiosk.station.config import ConfigError, load
try:
    load(sys.argv[1])
except ConfigError as exc:
    print(f"    配置错误：{exc}", file=sys.stderr)
    sys.exit(1)
PY
    fi
else
    PYTHONPATH="$SOURCE" "$PYTHON" - "$DATA_DIR" "$KEY_DIR" "${IDCARD:+/dev/idcard}" \
        "${RECEIPT:+/dev/receipt}" "$PRINTER_NAME" >"$TMP/station.toml" <<'PY'
import re, sys
from kiosk.station.config import example_toml
data_dir, key_dir, idcard, receipt, printer = sys.argv[1:6]
text = example_toml()
def setting(key, value):
    global text
    text = re.sub(rf'^{key} = .*$', f'{key} = "{value}"', text, count=1, flags=re.M)
setting("data_dir", data_dir)
setting("key_dir", key_dir)
if idcard: setting("id_reader", idcard)
if receipt: setting("receipt_printer", receipt)
if printer: setting("a4_printer", printer)
print(text, end="")
PY
    put_file "$TMP/station.toml" "$CONFIG" 0640 root "$OWNER_GROUP"
    note "请编辑 $CONFIG：[station] 的 id 与 name、[platform] 的 url"
fi
cage_flags=""
for _ in $(seq 1 "$ROTATE"); do cage_flags="$cage_flags -r"; done
{
    echo "# Read by station-kiosk.service. Written by install-station.sh (--rotate); edit freely."
    echo "CAGE_FLAGS=${cage_flags# }"
    echo "# STATION_KIOSK_APP=$PREFIX/dist/station-kiosk/station-kiosk   (run a PyInstaller build)"
} >"$TMP/session.env"
if [ -f "$ETC/session.env" ] && [ "$ROTATE_GIVEN" = 0 ]; then
    note "不变：$ETC/session.env（已存在；用 --rotate 改写）"
else
    put_file "$TMP/session.env" "$ETC/session.env" 0644 root root
fi

# --- 6. kiosk session and services ----------------------------------------------------------------

say "6/9 全屏会话与 systemd 服务"
CHANGED=0
put_file "$TMP/rendered/pam-station-kiosk" /etc/pam.d/station-kiosk 0644 root root
for unit in station-kiosk.service station-kiosk-sync.service station-kiosk-sync.timer \
        station-kiosk-update.path station-kiosk-update.service; do
    put_file "$TMP/rendered/$unit" "$SYSTEMD_DIR/$unit" 0644 root root
done
cat >"$TMP/logind.conf" <<'CONF'
# Written by install-station.sh: an unattended kiosk never sleeps, and a short press of the power
# button shuts it down cleanly (a technician's way to turn it off without a keyboard).
[Login]
IdleAction=ignore
HandleSuspendKey=ignore
HandleHibernateKey=ignore
HandleLidSwitch=ignore
HandleLidSwitchExternalPower=ignore
HandleLidSwitchDocked=ignore
HandlePowerKey=poweroff
NAutoVTs=0
ReserveVT=0
CONF
put_file "$TMP/logind.conf" /etc/systemd/logind.conf.d/station-kiosk.conf 0644 root root
cat >"$TMP/journald.conf" <<'CONF'
# Written by install-station.sh: keep the journal across reboots, bounded.
[Journal]
Storage=persistent
SystemMaxUse=200M
MaxRetentionSec=3month
CONF
put_file "$TMP/journald.conf" /etc/systemd/journald.conf.d/station-kiosk.conf 0644 root root
cat >"$TMP/sysctl.conf" <<'CONF'
# Written by install-station.sh: no magic SysRq keys from a keyboard plugged into the kiosk.
kernel.sysrq = 0
CONF
put_file "$TMP/sysctl.conf" /etc/sysctl.d/60-station-kiosk.conf 0644 root root
if [ "$CHANGED" = 1 ]; then
    run systemctl daemon-reload
fi
enabled() { [ "$(systemctl is-enabled "$1" 2>/dev/null || true)" = "$2" ]; }
# station-kiosk-update.path: the root side of a fleet console rollout (installer/README.md).
for unit in station-kiosk.service station-kiosk-sync.timer station-kiosk-update.path; do
    enabled "$unit" enabled && note "已启用：$unit" || run systemctl enable "$unit"
done
for unit in ctrl-alt-del.target sleep.target suspend.target hibernate.target hybrid-sleep.target; do
    enabled "$unit" masked && note "已屏蔽：$unit" || run systemctl mask "$unit"
done
if [ "$(systemctl get-default 2>/dev/null || true)" != graphical.target ]; then
    run systemctl set-default graphical.target
fi
# A desktop login screen on the same machine would be a way out of the kiosk.
dm="$(systemctl is-enabled display-manager.service 2>/dev/null || true)"
if [ "$dm" = enabled ] || [ "$dm" = alias ]; then
    note "停用桌面登录管理器（display-manager.service），自助终端独占屏幕"
    run systemctl disable display-manager.service
fi

# --- 7. serial devices ----------------------------------------------------------------------------

say "7/9 串口设备固定名称（udev）"
if [ -n "$IDCARD$RECEIPT" ]; then
    CHANGED=0
    put_file "$TMP/rendered/60-station-kiosk-serial.rules" /etc/udev/rules.d/60-station-kiosk-serial.rules \
        0644 root root
    if [ "$CHANGED" = 1 ]; then
        run udevadm control --reload-rules
        run udevadm trigger --subsystem-match=tty --action=add
    fi
else
    note "未给出 --idcard / --receipt：跳过（查找设备编号见 installer/udev/60-station-kiosk-serial.rules.example）"
fi

# --- 8. A4 printer --------------------------------------------------------------------------------

say "8/9 A4 打印机（CUPS）"
if [ -n "$PRINTER_NAME" ]; then
    enabled cups.service enabled || run systemctl enable --now cups.service
    current="$(lpstat -v "$PRINTER_NAME" 2>/dev/null | sed -n 's/^[^:]*: //p' || true)"
    if [ "$current" = "$PRINTER_URI" ]; then
        note "已配置：$PRINTER_NAME -> $PRINTER_URI"
    else
        if [ -f "$PRINTER_MODEL" ]; then model=(-P "$PRINTER_MODEL"); else model=(-m "$PRINTER_MODEL"); fi
        run lpadmin -p "$PRINTER_NAME" -E -v "$PRINTER_URI" "${model[@]}" \
            -o printer-error-policy=retry-job -o media-default=iso_a4_210x297mm -o sides-default=one-sided
        run cupsenable "$PRINTER_NAME"
        run cupsaccept "$PRINTER_NAME"
    fi
else
    note "未给出 --printer-name / --printer-uri：跳过（配置中 a4_printer 为 pdf 时只写文件）"
fi

# --- 9. done ----------------------------------------------------------------------------------------

say "9/9 完成"
if [ "$DRY_RUN" = 1 ]; then
    note "以上为演练，没有做任何改动。去掉 --dry-run 并以 root 运行即可安装。"
elif [ "$START" = 1 ]; then
    run systemctl restart station-kiosk.service
else
    note "重启电脑，或运行 systemctl start station-kiosk 启动自助终端。"
    note "设置工作人员密码：sudo -u $KIOSK_USER $PREFIX/bin/station-kiosk-run --config $CONFIG staff set-pin"
fi
