"""通办 and 立等可取: what they add, against baselines measured in the same run.

1. The 通办 decision for a whole form (`forms.handling.for_form`: the household place, every
   item decided), against `FormSession.applicable_items()` alone (what 办理须知 already did).
2. A submission the reference platform decides at once (stored, checked, completed with a signed
   certificate PDF), against the same submission stored for an officer (decide_immediate off).

Run:  python benchmarks/tongban.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forms import FormSession, fill, load_catalogue  # noqa: E402
from forms.examples import example  # noqa: E402
from forms.handling import decide_all, for_form, resident_place, with_handling  # noqa: E402
from sync.platform.service import PlatformService  # noqa: E402


def _ms(fn, rounds: int) -> float:  # noqa: ANN001
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples)


def _pension_body() -> dict:
    sample = example("resident_pension", 0)
    result = fill("resident_pension", sample["answers"], applicant=sample["applicant"],
                  material_choices=sample.get("materials"))
    bundle = load_catalogue().bundle("resident_pension")
    place = resident_place(bundle, result.payload["answers"], sample["applicant"])
    payload = with_handling(result.payload, decide_all([bundle.item(c) for c in result.payload["item_codes"]],
                                                      place, "210102"))
    for material in payload["materials"]:
        material["attachments"] = []
        if material["status"] == "provided":
            material["status"] = "held_by_government"
    return payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    rows = []

    sample = example("after_death", 0)
    bundle = load_catalogue().bundle("after_death")
    form = FormSession(bundle, applicant=sample["applicant"])
    for field_id, value in sample["answers"].items():
        if bundle.field(field_id).type not in ("signature", "scan"):
            form.answer(field_id, value)
    base = _ms(form.applicable_items, args.rounds * 10)
    ours = _ms(lambda: for_form(form, "210102"), args.rounds * 10)
    rows.append(("通办 decision, after_death form (ms)", base, ours))

    body = _pension_body()
    with tempfile.TemporaryDirectory() as scratch:
        service = PlatformService(Path(scratch))

        def submit(decide: bool) -> None:
            service.decide_immediate = decide
            key = str(uuid.uuid4())
            status, _ = service.submit("210102-0001", key, {
                **body, "submission_id": key, "local_reference": key[:13],
                "created_at": "2026-12-06T10:00:00+08:00"})
            assert status == 201, status

        base = _ms(lambda: submit(False), args.rounds)
        ours = _ms(lambda: submit(True), args.rounds)
        decided = sum(1 for s in service.submissions() if s["status"] == "completed")
    rows.append((f"platform submit, 即办 decided at once ({decided}/{args.rounds}) (ms)", base, ours))

    print(f"{'measure':<52} {'baseline':>10} {'ours':>10} {'ratio':>7}")
    for name, b, o in rows:
        print(f"{name:<52} {b:>10.3f} {o:>10.3f} {o / b:>7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
