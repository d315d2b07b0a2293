"""The 一件事 catalogue, form definitions, validation, prefill and materials. Plain Python, no Qt.

Public names other rooms use:
- `load_catalogue(path=None)`, `Catalogue` (`.from_document`, `.bundles`, `.bundle(id)`),
  `shipped_catalogue_document()`;
- `FormSession` (the engine the touch UI drives), `fill()` / `FillResult`, `AnswersFile`;
- `forms.validators` (ID numbers, USCC, phones, bank cards, names, dates);
- `forms.credit.CreditList`;
- the typed errors in `forms.errors`.
"""

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
from forms.fill import AnswersFile, FillResult, fill

__all__ = [
    "AnswersFile", "AnswersFileError", "Bundle", "Catalogue", "CatalogueError", "ConditionSyntaxError",
    "Field", "FillResult", "FormSession", "FormsError", "IncompleteFormError", "Item", "Material",
    "MaterialChoiceError", "Page", "Question", "SummaryEntry", "SummaryPage", "UnknownBundleError",
    "UnknownFieldError", "fill", "load_catalogue", "shipped_catalogue_document",
]
