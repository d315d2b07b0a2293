"""Sample documents for `diag a4 --sample`, the demo and the tests (fictitious people and numbers)."""

from __future__ import annotations

from devices.printer.a4.render import Notice, make_demo_seal

ISSUER = "浑南区五三街道便民服务中心"


def sample_notice(seal: bytes | None = None) -> Notice:
    """A result notice (办理结果告知书) long enough to show the layout, one page."""
    return Notice(
        issuer="浑南区五三街道办事处",
        heading="沈阳市浑南区五三街道办事处",
        doc_number="五三便民告〔2026〕18号",
        title="关于最低生活保障申请审核结果的告知书",
        recipient="张三同志：",
        paragraphs=[
            "您于2026年11月20日在五三街道政务服务驿站提交的最低生活保障申请"
            "（受理编号：LN-2101-20261120-0042），经审核，现将结果告知如下：",
            "一、您家庭符合最低生活保障条件，自2026年12月起按月发放低保金。",
            "二、低保金通过“一卡通”发放至您本人账户。家庭人口、收入、财产状况发生变化的，"
            "请于30日内主动告知社区居委会。",
            "三、如有异议，可自收到本告知书之日起60日内申请行政复议，或者在6个月内依法提起行政诉讼。",
            "特此告知。",
        ],
        date="2026年11月28日",
        doc_id="LN2101-N-20261128-0018",
        lookup_qr="https://zwfw.ln.gov.cn/kiosk/q/LN-2101-20261120-0042",
        seal_png=seal if seal is not None else make_demo_seal("沈阳市浑南区五三街道办事处"),
    )


def sample_receipt(seal: bytes | None = None) -> Notice:
    """An A4 acceptance receipt (受理回执) with a field table."""
    return Notice(
        issuer=ISSUER,
        heading="沈阳市浑南区五三街道便民服务中心",
        title="政务服务事项受理回执",
        recipient="",
        paragraphs=["您申请的事项已受理，材料齐全。请凭本回执查询办理进度，办结后将短信通知您领取结果。"],
        fields=[
            ("受理编号", "LN-2101-20261120-0042"),
            ("申请人", "张三"),
            ("事项名称", "最低生活保障申请（一件事：困难群众救助）"),
            ("承诺时限", "20个工作日"),
            ("容缺材料", "户口簿复印件（承诺5个工作日内补交）"),
            ("受理地点", "五三街道政务服务驿站 自助终端 KIOSK-07"),
        ],
        date="2026年11月20日",
        doc_id="LN2101-R-20261120-0042",
        lookup_qr="https://zwfw.ln.gov.cn/kiosk/q/LN-2101-20261120-0042",
        seal_png=seal if seal is not None else make_demo_seal("沈阳市浑南区五三街道便民服务中心"),
    )


SAMPLES = {"notice": sample_notice, "receipt": sample_receipt}
