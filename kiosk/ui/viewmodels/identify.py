"""The 手动输入 screen: a name and an ID number typed by the resident, checked as they press 确定."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.ui.session import Person
from kiosk.ui.viewmodels.base import Notifying, prop
from kiosk.ui.viewmodels.keypad import press


class IdentifyViewModel(Notifying):
    """The 手动输入 screen: name and ID number, checked as the person presses 确定."""

    _PERSONAL = ("name", "idNumber", "nameError", "idError", "errors")

    changed = Signal()

    identified = Signal()

    def __init__(self, check_id_number: Callable[[str], str | None],
                 check_name: Callable[[str], str | None], parent: QObject | None = None) -> None:
        super().__init__({"name": "", "idNumber": "", "nameError": "", "idError": "", "errors": []},
                         parent)
        self._check_id_number = check_id_number
        self._check_name = check_name
        self.on_identified: Callable[[Person], None] | None = None

    name = prop(str, "name", changed, writable=True)
    idNumber = prop(str, "idNumber", changed, writable=True)
    nameError = prop(str, "nameError", changed)
    idError = prop(str, "idError", changed)
    errors = prop(list, "errors", changed)

    @Slot(str)
    def keypad(self, key: str) -> None:
        """A key of the big number pad (kiosk.ui.viewmodels.keypad)."""
        self._set("idNumber", press(self._values["idNumber"], key, "id"))
        if self._values["idError"]:
            self._set("idError", "")

    @Slot(result=bool)
    def submit(self) -> bool:
        name = self._values["name"].strip()
        id_number = self._values["idNumber"].strip().upper()
        name_error = self._check_name(name) or ""
        id_error = self._check_id_number(id_number) or ""
        self._set("nameError", name_error)
        self._set("idError", id_error)
        self._set("errors", [e for e in (name_error, id_error) if e])
        if name_error or id_error:
            return False
        if self.on_identified:
            self.on_identified(Person(name=name, id_number=id_number, source="manual"))
        return True

    def wipe(self) -> None:
        self._reset(self._PERSONAL)
