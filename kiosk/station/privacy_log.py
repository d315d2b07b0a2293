"""The application's logging: rotating files under the data directory, and no personal data in them.

Why a filter on every handler rather than care at each call site: logs are copied off stations
by technicians, attached to tickets and kept for months; one careless `log.info("%s", person)` or
an exception whose message quotes a form field would put a resident's ID number in all of those
places. So every record is masked on its way out, whoever wrote it:

- an 18-character resident ID number (17 digits and a digit or X, GB 11643);
- a mainland mobile number (1[3-9] and 9 more digits, with or without +86 and separators);
- the value of a known personal field (姓名, name, id_number, phone, address …) wherever it is
  written as `field=value`, `field: value`, `"field": "value"` or passed as a mapping argument
  or an `extra=` attribute. Names cannot be recognised by shape, so this is how they are caught.

The filter masks the formatted message, the arguments, exception text and stack text. It is
attached to handlers (filters on a logger do not see records from its children).

Crash reports go through the same path: uncaught exceptions in any thread are logged (masked) to
the file, and faulthandler writes hard crashes (segfaults in Qt or a driver) to `crash.log`,
which holds only file names, line numbers and function names.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ID_MASK = "[身份证号]"
PHONE_MASK = "[手机号]"
FIELD_MASK = "[已隐去]"

# Field names whose values are personal. Lower-case; matched whole, case-insensitively.
PERSONAL_FIELDS: frozenset[str] = frozenset({
    "name", "full_name", "person_name", "applicant_name", "agent_name", "contact_name", "holder_name",
    "guardian_name", "spouse_name", "child_name", "deceased_name",
    "id_number", "id_no", "idcard", "id_card", "certificate_number", "cert_no",
    "phone", "mobile", "telephone", "contact_phone",
    "address", "home_address", "birth_date", "birthday", "signature", "photo",
    "姓名", "名字", "身份证号", "身份证号码", "公民身份号码", "证件号码", "手机", "手机号", "手机号码",
    "电话", "联系电话", "住址", "地址", "出生日期",
})

# 18 characters: 6 region + 8 birth date + 3 sequence + check (digit or X). Not part of a longer
# run of digits (a 20-digit order number is not an ID number).
_ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                    r"\d{3}[\dXx](?![0-9A-Za-z])", re.ASCII)
# Mobile: 1[3-9] + 9 digits, optionally after +86/0086/86 or a trunk 0, optionally split 3-4-4 by
# space or hyphen.
_PHONE_RE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?|0)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)", re.ASCII)
# Full-width digits (typed through a Chinese input method) are read as ASCII before matching.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－", "0123456789Xx+-")


# Attributes every LogRecord has (`name` is the logger's name, not a person's); anything else on a
# record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _field_pattern(fields: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(f) for f in fields), key=len, reverse=True))
    # field=value | field: value | "field": "value" | 'field': 'value' | 姓名：value
    return re.compile(
        rf"""(?P<key>(?<![\w])["']?(?:{names})["']?\s*[=:：]\s*)"""
        r"""(?P<value>"[^"]*"|'[^']*'|[^\s,;，；。、)}\]]+)""",
        re.IGNORECASE,
    )


class PrivacyFilter(logging.Filter):
    """Masks ID numbers, mobile numbers and personal fields in every record it sees.

    Always returns True: a record is never dropped (the event still matters), only cleaned.
    """

    def __init__(self, personal_fields: Iterable[str] = PERSONAL_FIELDS) -> None:
        super().__init__()
        self.personal_fields = frozenset(f.lower() for f in personal_fields)
        self._field_re = _field_pattern(self.personal_fields)

    def mask(self, text: str) -> str:
        text = text.translate(_FULLWIDTH)
        text = self._field_re.sub(self._mask_field, text)
        text = _ID_RE.sub(ID_MASK, text)
        return _PHONE_RE.sub(PHONE_MASK, text)

    @staticmethod
    def _mask_field(match: re.Match[str]) -> str:
        value = match.group("value")
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
            return f"{match.group('key')}{value[0]}{FIELD_MASK}{value[0]}"
        return match.group("key") + FIELD_MASK

    def _mask_value(self, key: str, value: Any) -> Any:
        if key.lower() in self.personal_fields and value not in (None, ""):
            return FIELD_MASK
        if isinstance(value, Mapping):
            return {k: self._mask_value(str(k), v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):         # (a named tuple becomes a plain one)
            masked = [self._mask_value("", v) for v in value]
            return masked if isinstance(value, list) else tuple(masked)
        if isinstance(value, str):
            return self.mask(value)
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            args = record.args
            if isinstance(args, Mapping):
                args = {k: self._mask_value(str(k), v) for k, v in args.items()}
                record.args = args
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the event, nor leak its args
            message = f"{record.msg!s} (参数无法格式化，已略去)"
        record.msg = self.mask(message)
        record.args = None
        for key in list(vars(record)):
            if key not in _RECORD_ATTRIBUTES and key.lower() in self.personal_fields:
                setattr(record, key, FIELD_MASK)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


class _JournalFormatter(logging.Formatter):
    """stderr lines for journald: a `<priority>` prefix journald turns into the entry's level."""

    _PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6,
                 logging.DEBUG: 7}

    def format(self, record: logging.LogRecord) -> str:
        priority = self._PRIORITY.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)
        text = super().format(record)
        return "\n".join(f"<{priority}>{line}" for line in text.splitlines())


def _open_private(path: Path | str) -> int:
    """Open for appending, created 0600 whatever the umask. (On Windows the data directory's ACL
    does this job; there is no fchmod there.)"""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o600)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)
    return fd


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose every generation is created 0600, whatever the process umask."""

    def _open(self):  # noqa: ANN202 - the stream type of the base class
        return open(_open_private(self.baseFilename), self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@dataclass
class LoggingSetup:
    """What `setup_logging` installed, so a test (or a second call) can take it down again."""

    log_dir: Path
    handlers: list[logging.Handler] = field(default_factory=list)
    crash_file: Any = None
    file_problem: str | None = None     # why there is no log file (read-only or full disk): stderr only
    _previous_hooks: tuple = ()

    def close(self) -> None:
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        if self.crash_file is not None:
            faulthandler.disable()
            self.crash_file.close()
            self.crash_file = None
        if self._previous_hooks:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = ()


def setup_logging(data_dir: Path, *, level: int = logging.INFO, console: bool = True,
                  max_bytes: int = 5 * 1024 * 1024, backups: int = 10,
                  environ: Mapping[str, str] | None = None) -> LoggingSetup:
    """Log to `data_dir/logs/kiosk.log` (rotating, 0600 in a 0700 directory) and to stderr.

    Under systemd (JOURNAL_STREAM set) stderr goes to the journal, so lines there carry a syslog
    priority prefix and no timestamp (journald adds its own). Every handler gets a PrivacyFilter.
    Uncaught exceptions (main and worker threads) are logged through the same handlers, and
    faulthandler writes hard crashes to `logs/crash.log`.
    """
    env = os.environ if environ is None else environ
    log_dir = Path(data_dir) / "logs"
    privacy = PrivacyFilter()
    setup = LoggingSetup(log_dir)
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(log_dir, 0o700)
        file_handler = _PrivateRotatingFileHandler(
            log_dir / "kiosk.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        setup.crash_file = open(_open_private(log_dir / "crash.log"), "a", encoding="utf-8")  # noqa: SIM115
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        setup.handlers.append(file_handler)
    except OSError as exc:
        # A read-only or full data disk: logging must not be what stops the program (the store
        # says what is wrong with the disk, in Chinese, and the exit code is the README's 5).
        # The journal (stderr) still gets every record.
        setup.file_problem = f"无法写入日志目录 {log_dir}（{exc.strerror}），日志只写到标准错误输出"
        for handler in setup.handlers:
            handler.close()
        setup.handlers.clear()
        console = True
    if console:
        console_handler = logging.StreamHandler(sys.stderr)
        if env.get("JOURNAL_STREAM"):
            console_handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
        else:
            console_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        setup.handlers.append(console_handler)

    root = logging.getLogger()
    root.setLevel(level)
    for handler in setup.handlers:
        handler.addFilter(privacy)
        root.addHandler(handler)

    faulthandler.enable(file=setup.crash_file or sys.stderr, all_threads=True)
    setup._previous_hooks = (sys.excepthook, threading.excepthook)
    crash_log = logging.getLogger("crash")

    def excepthook(kind, value, traceback) -> None:  # noqa: ANN001
        crash_log.critical("未捕获的异常", exc_info=(kind, value, traceback))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        crash_log.critical("线程 %s 中未捕获的异常", getattr(args.thread, "name", "?"),
                           exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    if setup.file_problem:
        logging.getLogger("kiosk.log").warning(setup.file_problem)
    return setup
