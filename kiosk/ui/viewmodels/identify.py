"""The 手动输入 screen: a name and an ID number typed by the resident, checked as they press 确定."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.session import Person
from kiosk.ui.viewmodels.base import Notifying, prop
from kiosk.ui.viewmodels.keypad import press, refusal


class IdentifyViewModel(Notifying):
    """The 手动输入 screen: name and ID number, checked as the person presses 确定."""

    _PERSONAL = ("name", "idNumber", "nameError", "idError")

    changed = Signal()

    identified = Signal()

    def __init__(self, check_id_number: Callable[[str], str | None],
                 check_name: Callable[[str], str | None], parent: QObject | None = None) -> None:
        super().__init__({"name": "", "idNumber": "", "nameError": "", "idError": ""}, parent)
        self._check_id_number = check_id_number
        self._check_name = check_name
        self.on_identified: Callable[[Person], None] | None = None

    idNumber = prop(str, "idNumber", changed, writable=True)
    nameError = prop(str, "nameError", changed)
    idError = prop(str, "idError", changed)

    def _get_name(self) -> str:
        return self._values["name"]

    def _set_name(self, value: str) -> None:
        """Typed (or chosen from the pinyin strip): a name being changed is no longer wrong."""
        if value != self._values["name"]:
            self._values["name"] = value
            self._values["nameError"] = ""
            self.changed.emit()

    name = Property(str, _get_name, _set_name, notify=changed)

    @Property("QVariantList", notify=changed)
    def errors(self) -> list[str]:
        """The problems still standing, for the box under the buttons: one that was put right
        leaves it at once (it stayed until 确定 was pressed again)."""
        return [e for e in (self._values["nameError"], self._values["idError"]) if e]

    @Slot(str)
    def keypad(self, key: str) -> None:
        """A key of the big number pad (kiosk.ui.viewmodels.keypad); a key that can do nothing
        says why instead of staying silent."""
        typed = self._values["idNumber"]
        self._set("idNumber", press(typed, key, "id"))
        self._set("idError", refusal(typed, key, "id"))

    @Slot(result=bool)
    def submit(self) -> bool:
        name = self._values["name"].strip()
        id_number = self._values["idNumber"].strip().upper()
        name_error = self._check_name(name) or ""
        id_error = self._check_id_number(id_number) or ""
        self._set("nameError", name_error)
        self._set("idError", id_error)
        if name_error or id_error:
            return False
        if self.on_identified:
            self.on_identified(Person(name=name, id_number=id_number, source="manual"))
        return True

    def wipe(self) -> None:
        self._reset(self._PERSONAL)
