"""A readable Chinese outline of a bundle (`catalogue show`): items, pages, questions, materials.

Why text and not the JSON: station staff and catalogue reviewers check a bundle by reading it;
conditions are shown in their source form because that is what the catalogue author wrote.
"""

from __future__ import annotations

from forms.catalogue import FIELD_TYPE_NAMES, Bundle, Field


def _field_line(f: Field, codes: dict[str, str]) -> str:
    parts = [f"    · {f.label}  [{f.id}，{FIELD_TYPE_NAMES[f.type]}"]
    if f.required_if:
        parts.append(f"，当 {f.required_if.source} 时必填")
    elif not f.required:
        parts.append("，选填")
    parts.append("]")
    if f.options:
        parts.append("  选项：" + " / ".join(o.label for o in f.options))
    if f.prefill:
        parts.append(f"  预填：{f.prefill}")
    if f.visible_if:
        parts.append(f"  显示条件：{f.visible_if.source}")
    if f.for_items:
        parts.append("  仅在办理：" + "、".join(codes.get(c, c) for c in f.for_items))
    return "".join(parts)


def outline(bundle: Bundle) -> str:
    codes = {i.code: i.name for i in bundle.items}
    lines = [f"{bundle.name}（{bundle.id}，版本 {bundle.version}，表单版本 {bundle.form_version}）",
             bundle.description, ""]
    note = "（事项编码为示意）" if bundle.codes_illustrative else ""
    lines.append(f"事项 {len(bundle.items)} 个{note}：")
    for n, item in enumerate(bundle.items, 1):
        flags = []
        if item.allows_deferral:
            flags.append("可容缺")
        if item.allows_commitment:
            flags.append("可告知承诺")
        limit = "即办" if item.kind == "immediate" else f"承诺 {item.promised_days} 个工作日"
        tail = f"；{'、'.join(flags)}" if flags else ""
        lines.append(f"  {n}. {item.name}  [{item.code}] {item.department}；{item.kind_name}，{limit}，"
                     f"法定 {item.legal_days} 个工作日；{item.fee}{tail}")
        if item.applies_if:
            lines.append(f"     办理条件：{item.applies_if.source}")
    lines.append("")
    lines.append("表单：")
    for n, page in enumerate(bundle.pages, 1):
        cond = f"  显示条件：{page.visible_if.source}" if page.visible_if else ""
        lines.append(f"  第 {n} 页 {page.title}  [{page.id}]{cond}")
        lines.extend(_field_line(f, codes) for f in page.fields)
    if bundle.computed:
        shown = "；".join(f"{c.label} [{c.id}] = {c.expr.source}" for c in bundle.computed)
        lines.append(f"  计算值：{shown}")
    if bundle.checks:
        lines.append("  校验规则：")
        lines.extend(f"    · {c.field}：{c.rule.source}（否则：{c.message}）" for c in bundle.checks)
    lines.append("")
    lines.append(f"材料 {len(bundle.materials)} 种（一套材料，各事项共用）：")
    for n, m in enumerate(bundle.materials, 1):
        extra = []
        if m.e_certificate:
            extra.append(f"可调取电子证照：{m.e_certificate}")
        if m.produced_by:
            extra.append(f"由“{codes.get(m.produced_by, m.produced_by)}”产生")
        if m.deferral_days:
            extra.append(f"可容缺，{m.deferral_days} 个工作日内补交")
        if m.commitment_text:
            extra.append(f"可告知承诺：“{m.commitment_text}”")
        if m.required_if:
            extra.append(f"需要条件：{m.required_if.source}")
        lines.append(f"  {n}. {m.name}  [{m.id}] {m.form_name} {m.count} 份；用于：" +
                     "、".join(codes[c] for c in m.items))
        lines.extend(f"       {e}" for e in extra)
    return "\n".join(lines)
