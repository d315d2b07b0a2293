"""Time per step of the form engine on the largest shipped bundle, against a bare dict update.

A "step" is what the touch UI does when the resident answers one question and presses 下一步:
`session.answer(field, value)` (normalise, validate, re-evaluate every condition) followed by
`session.next()` (move to the next visible question, checking its error). The baseline is the
cheapest possible step, `answers[field] = value`, measured in the same run so the ratio is
meaningful on any machine. Budget: every engine step under 5 ms.

Run:  python benchmarks/forms.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forms import FormSession, fill, load_catalogue  # noqa: E402
from forms.examples import example  # noqa: E402

BUDGET_MS = 5.0


def _largest(catalogue):  # noqa: ANN001, ANN202
    def size(b):  # noqa: ANN001, ANN202
        return sum(len(p.fields) for p in b.pages), len(b.items), len(b.materials)

    return max(catalogue.bundles, key=size)


def _timed(samples: list[float], fn, *args):  # noqa: ANN001, ANN002, ANN202
    start = time.perf_counter_ns()
    result = fn(*args)
    samples.append((time.perf_counter_ns() - start) / 1e6)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="表单引擎每步耗时（与直接写字典对比）")
    parser.add_argument("--rounds", type=int, default=200, help="完整走一遍表单的次数")
    args = parser.parse_args(argv)

    catalogue = load_catalogue()
    bundle = _largest(catalogue)
    doc = example(bundle.id, 0, catalogue=catalogue)
    answers = doc["answers"]
    fields = sum(len(p.fields) for p in bundle.pages)

    rows: dict[str, list[float]] = {k: [] for k in (
        "baseline", "answer", "answer_next", "errors", "materials", "summary", "payload", "fill")}
    for _ in range(args.rounds):
        # Baseline per update, timed over the whole loop so the timer's own cost does not dominate.
        plain: dict = {}
        items = list(answers.items())
        start = time.perf_counter_ns()
        for key, value in items:
            plain[key] = value
        per_update = (time.perf_counter_ns() - start) / 1e6 / len(items)
        rows["baseline"].extend([per_update] * len(items))

        session = FormSession(bundle, applicant=doc["applicant"])
        while (question := session.current) is not None:
            field_id = question.field_id
            if field_id in answers:
                start = time.perf_counter_ns()
                session.answer(field_id, answers[field_id])
                rows["answer"].append((time.perf_counter_ns() - start) / 1e6)
                session.next()
                rows["answer_next"].append((time.perf_counter_ns() - start) / 1e6)
            else:
                session.next()
        for material_id, choice in doc["materials"].items():
            status = choice if isinstance(choice, str) else choice["status"]
            hashes = [] if isinstance(choice, str) else choice["attachments"]
            session.set_material(material_id, status, hashes)
        _timed(rows["errors"], session.all_errors)
        _timed(rows["materials"], session.materials)
        _timed(rows["summary"], session.summary)
        _timed(rows["payload"], session.payload)
        _timed(rows["fill"], lambda: fill(bundle.id, answers, material_choices=doc["materials"],
                                          applicant=doc["applicant"], catalogue=catalogue))

    base = statistics.mean(rows["baseline"])
    labels = {
        "baseline": "基线：answers[k] = v（直接写字典）",
        "answer": "answer()：规范化 + 校验 + 重算条件",
        "answer_next": "一步：answer() + next()",
        "errors": "all_errors()：全部问题与材料",
        "materials": "materials()：合并材料清单",
        "summary": "summary()：核对页",
        "payload": "payload()：提交内容",
        "fill": "fill()：整表一次填完",
    }
    print(f"一件事：{bundle.name}（{bundle.id}），{fields} 个问题，{len(bundle.items)} 个事项，"
          f"{len(bundle.materials)} 种材料；{args.rounds} 轮\n")
    print("| 步骤 | 平均 µs | p95 µs | 最大 µs | 平均/基线 | 预算 5 ms |")
    print("|---|---:|---:|---:|---:|:---:|")
    worst_step = 0.0
    for key, label in labels.items():
        samples = sorted(rows[key])
        mean = statistics.mean(samples)
        p95 = samples[int(len(samples) * 0.95) - 1]
        verdict = "—" if key == "baseline" else ("通过" if p95 < BUDGET_MS else "超出")
        if key in ("answer", "answer_next"):
            worst_step = max(worst_step, p95)
        print(f"| {label} | {mean * 1000:.2f} | {p95 * 1000:.2f} | {samples[-1] * 1000:.2f} "
              f"| {mean / base:,.0f} | {verdict} |")
    print(f"\n每步（answer + next）p95 = {worst_step:.3f} ms，预算 {BUDGET_MS} ms："
          + ("通过" if worst_step < BUDGET_MS else "未通过"))
    return 0 if worst_step < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
