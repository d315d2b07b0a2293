"""Typed errors of the forms room, each carrying a plain Chinese message.

Why typed: callers (the touch UI, the command line, the sync helper) must tell a broken catalogue
from a wrong bundle id from a bad condition without parsing message text, and must never see a
KeyError or a traceback.
"""

from __future__ import annotations


class FormsError(Exception):
    """Base of every error raised on purpose by `forms`; `str(exc)` is a Chinese sentence."""


class ConditionSyntaxError(FormsError):
    """A condition expression that does not parse. `position` is the 0-based character offset."""

    def __init__(self, message: str, expression: str = "", position: int = 0) -> None:
        self.message = message
        self.expression = expression
        self.position = position
        where = f"（第 {position + 1} 个字符处）" if expression else ""
        super().__init__(f"条件表达式有误{where}：{message}")


class CatalogueError(FormsError):
    """A catalogue that fails the schema or the cross-reference checks.

    `problems` lists every problem found (each one sentence naming file, bundle and field), so a
    catalogue author fixes them all in one pass instead of one per run.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = self.problems[0] if self.problems else "事项目录无效"
        more = f"（另有 {len(self.problems) - 1} 处问题）" if len(self.problems) > 1 else ""
        super().__init__(head + more)


class UnknownBundleError(FormsError):
    """A bundle id not in the catalogue."""

    def __init__(self, bundle_id: str) -> None:
        self.bundle_id = bundle_id
        super().__init__(f"事项目录中没有“{bundle_id}”这件事，请核对编号（可用 catalogue list 查看）。")


class UnknownFieldError(FormsError):
    """A field id that the bundle's form does not have."""

    def __init__(self, field_id: str, bundle_id: str = "") -> None:
        self.field_id = field_id
        where = f"“{bundle_id}”的" if bundle_id else ""
        super().__init__(f"{where}表单中没有字段“{field_id}”。")


class MaterialChoiceError(FormsError):
    """A material status the rules do not allow (e.g. 容缺 for a paper that must be seen now)."""


class AnswersFileError(FormsError):
    """An answers file (the `catalogue example` format) that cannot be read."""
