"""样表: a bundle's form filled in with its example answers, as a resident reads it before
starting (办理须知 → 看样表) and as staff print it on A4.

Why built from `forms.examples` and the engine's `summary()` rather than written per bundle: a
sample written by hand goes stale the day a question is added, and a new bundle would have none.
Every bundle has example answers (`catalogue example`, checked by the tests), so every bundle —
the ones added later too — gets a sample form that shows exactly the questions the kiosk asks,
worded as the review page words them (`fieldtypes.display`).

The people in the examples are made up; a sample form says so in its first line, and the values
that look like someone's identity (names, ID numbers, phone and bank numbers) carry "（示例）", so
nobody copies a number off the sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forms.catalogue import Catalogue, load_catalogue
from forms.engine import FormSession

# Answers that look like a real person's identity: marked as examples wherever they are shown.
PERSONAL_TYPES = frozenset({"name", "id_number", "phone", "bank_account"})
# Nothing to read on a sample: a photographed page or a signature is a hash, not an answer.
HIDDEN_TYPES = frozenset({"scan", "signature"})
SAMPLE_MARK = "（示例）"
NOTICE = "这是一份填好的样表，姓名、证件号码等都是虚构的示例。请按您自己的真实情况填写。"


@dataclass(frozen=True)
class SampleAnswer:
    label: str
    text: str
    sample: bool        # the value is a made-up identity (marked 示例)


@dataclass(frozen=True)
class SamplePage:
    title: str
    answers: tuple[SampleAnswer, ...]


@dataclass(frozen=True)
class SampleForm:
    bundle_id: str
    bundle_name: str
    story: str                      # the example's title: what case this sample shows
    notice: str
    pages: tuple[SamplePage, ...]
    items: tuple[str, ...]          # the items this example applies to
    materials: tuple[str, ...]      # the papers it needs (names)

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows in page order, page titles as rows with an empty value: the A4 table."""
        rows: list[tuple[str, str]] = []
        for page in self.pages:
            rows.append((f"【{page.title}】", ""))
            rows.extend((a.label, a.text) for a in page.answers)
        return rows


def sample_form(bundle_id: str, *, catalogue: Catalogue | None = None, variant: int = 0,
                today: date | None = None) -> SampleForm:
    """The sample form of `bundle_id`, from its example answers (variant 0: the usual case)."""
    from forms.examples import example

    catalogue = catalogue or load_catalogue()
    bundle = catalogue.bundle(bundle_id)
    today = today or date.today()
    doc = example(bundle.id, variant, catalogue=catalogue, today=today)
    session = FormSession(bundle, applicant=doc.get("applicant"), today=today, answers=doc["answers"])
    pages = []
    for page in session.summary():
        answers = []
        for entry in page.entries:
            kind = bundle.field(entry.field_id).type
            if kind in HIDDEN_TYPES:
                continue
            personal = kind in PERSONAL_TYPES and entry.value not in (None, "")
            text = entry.text + (SAMPLE_MARK if personal else "")
            answers.append(SampleAnswer(entry.label, text, personal))
        if answers:
            pages.append(SamplePage(page.title, tuple(answers)))
    return SampleForm(
        bundle_id=bundle.id,
        bundle_name=bundle.name,
        story=doc["title"],
        notice=NOTICE,
        pages=tuple(pages),
        items=tuple(item.name for item in session.applicable_items()),
        materials=tuple(line.name for line in session.materials()),
    )
