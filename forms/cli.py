"""Commands of the forms room: `catalogue validate | list | show | example | fill | build | export`.

Exit codes (documented in forms/README.md): 0 success; 1 the catalogue (validate) or the answers
(fill) are invalid, with every problem on stderr in Chinese; 2 the command could not run (file
missing, unreadable, unknown bundle or variant, broken catalogue for the other commands).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(commands) -> None:  # noqa: ANN001 - main.Commands; typed there
    sub = commands.group("catalogue", "事项目录")

    text = "检查事项目录（格式与相互引用）"
    p = sub.add_parser("validate", help=text, description=text)
    p.add_argument("path", metavar="PATH", type=Path, help="目录文件夹、目录文档或单个一件事文件")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("list", help="列出全部一件事", description="每件事一行：编号、版本、名称、事项数")
    p.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")
    _catalogue_option(p)
    p.set_defaults(handler=_list)

    text = "显示一件事的页面、问题和材料"
    p = sub.add_parser("show", help=text, description=text)
    p.add_argument("bundle", metavar="BUNDLE", help="一件事编号，如 newborn")
    _catalogue_option(p)
    p.set_defaults(handler=_show)

    text = "输出一份有效的示例答案（JSON）"
    p = sub.add_parser("example", help=text, description=text)
    p.add_argument("bundle", metavar="BUNDLE", help="一件事编号")
    p.add_argument("--variant", metavar="N", type=int, default=0,
                   help="第几个示例（0 起）；各示例演示少办事项、容缺和告知承诺")
    _catalogue_option(p)
    p.set_defaults(handler=_example)

    p = sub.add_parser("fill", help="按答案文件填表：有误则列出问题，否则输出提交内容（JSON）",
                       description="按答案文件填表：有误则列出问题（退出码 1），"
                                   "否则输出提交内容 JSON（退出码 0）")
    p.add_argument("bundle", metavar="BUNDLE", help="一件事编号")
    p.add_argument("--answers", metavar="FILE.json", type=Path, required=True,
                   help="答案文件（catalogue example 的格式）")
    _catalogue_option(p)
    p.set_defaults(handler=_fill)

    text = "由编写工作簿（.xlsx）生成一件事文件和目录索引，并按 catalogue validate 的规则检查"
    p = sub.add_parser("build", help=text, description=text + "；写法见 forms/WORKBOOK.md")
    p.add_argument("books", metavar="BOOK.xlsx", type=Path, nargs="+", help="一个或多个编写工作簿")
    p.add_argument("--out", metavar="DIR", type=Path, required=True,
                   help="输出目录（已有 index.json 时保留其顺序，新的一件事加在最后）")
    p.add_argument("--examples", metavar="DIR", type=Path, default=None,
                   help="示例答案的输出目录（缺省为 DIR/examples；随程序发布的是 forms/examples）")
    p.set_defaults(handler=_build)

    text = "把一件事导出为编写工作簿（.xlsx），含示例答案"
    p = sub.add_parser("export", help=text, description=text + "；写法见 forms/WORKBOOK.md")
    p.add_argument("bundle", metavar="BUNDLE", help="一件事编号，如 newborn")
    p.add_argument("--xlsx", metavar="FILE", type=Path, required=True, help="要写出的工作簿文件")
    _catalogue_option(p)
    p.set_defaults(handler=_export)


def _catalogue_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalogue", metavar="PATH", type=Path, default=None,
                        help="使用另一份事项目录（缺省为随程序发布的目录）")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _load(args: argparse.Namespace):  # noqa: ANN202
    from forms.catalogue import load_catalogue

    return load_catalogue(args.catalogue)


def _validate(args: argparse.Namespace) -> int:
    from forms.catalogue import load_catalogue
    from forms.errors import CatalogueError

    try:
        catalogue = load_catalogue(args.path)
    except CatalogueError as exc:
        _err(f"事项目录有 {len(exc.problems)} 处问题：")
        for problem in exc.problems:
            _err(f"  - {problem}")
        return 1
    items = sum(len(b.items) for b in catalogue.bundles)
    print(f"事项目录有效：版本 {catalogue.version}，{len(catalogue.bundles)} 件事，共 {items} 个事项。")
    return 0


def _list(args: argparse.Namespace) -> int:
    from forms.errors import FormsError

    try:
        catalogue = _load(args)
    except FormsError as exc:
        _err(str(exc))
        return 2
    for bundle in catalogue.bundles:
        if args.json:
            print(json.dumps({"id": bundle.id, "version": bundle.version, "name": bundle.name,
                              "item_count": len(bundle.items)}, ensure_ascii=False))
        else:
            print(f"{bundle.id}\t{bundle.version}\t{bundle.name}\t{len(bundle.items)} 个事项")
    return 0


def _show(args: argparse.Namespace) -> int:
    from forms.errors import FormsError
    from forms.outline import outline

    try:
        bundle = _load(args).bundle(args.bundle)
    except FormsError as exc:
        _err(str(exc))
        return 2
    print(outline(bundle))
    return 0


def _example(args: argparse.Namespace) -> int:
    from forms.errors import FormsError
    from forms.examples import example

    try:
        doc = example(args.bundle, args.variant, catalogue=_load(args))
    except FormsError as exc:
        _err(str(exc))
        return 2
    print(json.dumps(doc, ensure_ascii=False, indent=2))
    return 0


def _fill(args: argparse.Namespace) -> int:
    from forms.errors import FormsError
    from forms.filling import AnswersFile

    try:
        result = AnswersFile.read(args.answers).fill(args.bundle, catalogue=_load(args))
    except FormsError as exc:
        _err(str(exc))
        return 2
    if not result.ok:
        _err(f"答案有 {len(result.errors)} 处需要修改：")
        for key, message in result.errors.items():
            _err(f"  - {key}：{message}")
        return 1
    print(json.dumps(result.payload, ensure_ascii=False, indent=2))
    return 0


def _build(args: argparse.Namespace) -> int:
    from forms.workbook import WorkbookError, WorkbookProblems, build

    try:
        built = build(list(args.books), args.out, args.examples)
    except WorkbookError as exc:
        _err(str(exc))
        return 2
    except WorkbookProblems as exc:
        _err(f"工作簿有 {len(exc.problems)} 处问题，请改好后重新生成：")
        for problem in exc.problems:
            _err(f"  - {problem}")
        return 1
    for path in built.files:
        print(path)
    for note in built.notes:
        _err(f"提示：{note}")
    names = "、".join(built.bundle_ids)
    print(f"已生成 {len(built.bundle_ids)} 件事（{names}），目录版本 {built.version}，检查通过。",
          file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from forms.errors import FormsError
    from forms.workbook import export

    try:
        export(args.bundle, args.xlsx, args.catalogue)
    except FormsError as exc:
        _err(str(exc))
        return 2
    except OSError as exc:
        _err(f"无法写入工作簿 {args.xlsx}：{exc.strerror or exc}。")
        return 2
    print(args.xlsx)
    return 0
