"""The 一件事 catalogue, form definitions, validation, prefill and materials. Plain Python, no Qt.

Public names other rooms use:
- `load_catalogue(path=None)`, `Catalogue` (`.from_document`, `.bundles`, `.bundle(id)`),
  `shipped_catalogue_document()`;
- `FormSession` (the engine the touch UI drives), `fill()` / `FillResult`, `AnswersFile`;
- `forms.validators` (ID numbers, USCC, phones, bank cards, names, dates);
- `forms.credit.CreditList`;
- the typed errors in `forms.errors`.
"""

import importlib
from typing import TYPE_CHECKING, Any

# Where each public name lives. Imported on first use (PEP 562), so that `forms.validators`
# alone — which the kiosk needs at start-up — does not pull in jsonschema and the catalogue.
# (No submodule may share a public name: an imported submodule would shadow it. Hence
# `forms.filling` holds the function `fill`.)
_LOCATIONS = {
    "Bundle": "forms.catalogue", "Catalogue": "forms.catalogue", "Field": "forms.catalogue",
    "Item": "forms.catalogue", "Material": "forms.catalogue", "Page": "forms.catalogue",
    "load_catalogue": "forms.catalogue", "shipped_catalogue_document": "forms.catalogue",
    "FormSession": "forms.engine", "IncompleteFormError": "forms.engine", "Question": "forms.engine",
    "SummaryEntry": "forms.engine", "SummaryPage": "forms.engine",
    "AnswersFileError": "forms.errors", "CatalogueError": "forms.errors",
    "ConditionSyntaxError": "forms.errors", "FormsError": "forms.errors",
    "MaterialChoiceError": "forms.errors", "UnknownBundleError": "forms.errors",
    "UnknownFieldError": "forms.errors",
    "AnswersFile": "forms.filling", "FillResult": "forms.filling", "fill": "forms.filling",
}

if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from forms.catalogue import (
        Bundle,
        Catalogue,
        Field,
        Item,
        Material,
        Page,
        load_catalogue,
        shipped_catalogue_document,
    )
    from forms.engine import FormSession, IncompleteFormError, Question, SummaryEntry, SummaryPage
    from forms.errors import (
        AnswersFileError,
        CatalogueError,
        ConditionSyntaxError,
        FormsError,
        MaterialChoiceError,
        UnknownBundleError,
        UnknownFieldError,
    )
    from forms.filling import AnswersFile, FillResult, fill


def __getattr__(name: str) -> Any:
    if name in _LOCATIONS:
        return getattr(importlib.import_module(_LOCATIONS[name]), name)
    raise AttributeError(f"module 'forms' has no attribute {name!r}")


__all__ = [
    "AnswersFile", "AnswersFileError", "Bundle", "Catalogue", "CatalogueError", "ConditionSyntaxError",
    "Field", "FillResult", "FormSession", "FormsError", "IncompleteFormError", "Item", "Material",
    "MaterialChoiceError", "Page", "Question", "SummaryEntry", "SummaryPage", "UnknownBundleError",
    "UnknownFieldError", "fill", "load_catalogue", "shipped_catalogue_document",
]
