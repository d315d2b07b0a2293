"""Sample data for the staff and 查进度 screens (the screenshot command and the screen tests).

Everything goes through the real objects: applications are saved in the kiosk's (temporary)
store, one is marked failed the way the worker would, and the screens read them back.
"""

from __future__ import annotations


def sample_submissions(kiosk) -> tuple[str, str]:  # noqa: ANN001 - kiosk.ui.app.KioskApp
    """Save two sample applications for the sample person (one failed, one rated); returns the
    person's (name, ID number)."""
    from kiosk.ui.screenshots import complete_sample_application

    store = kiosk.store
    complete_sample_application(kiosk)
    payload = kiosk.journey.form.payload()
    first = store.submit(payload)
    second = store.submit(payload)
    rows = {r.ref_id: r for r in store.outbox_rows()}
    store.mark_failed(rows[first.submission_id], "平台退回：证件号码与姓名不一致（400 invalid_applicant）")
    store.record_rating(second.submission_id, payload["item_codes"], 4)
    # the second reached the platform and is done, with a certificate named (not yet downloaded)
    store.mark_delivered(rows[second.submission_id], {"platform_reference": "SQ20261128000002"})
    store.apply_status_changes([{"submission_id": second.submission_id, "status": "completed",
                                 "message": "已办结，证照可在本机打印",
                                 "certificate_ids": ["CERT-SAMPLE-1"]}],
                               "sample-cursor")
    # a third was approved with a certificate, then refused on review: its certificate withdrawn
    third = store.submit(payload)
    row = next(r for r in store.outbox_rows() if r.ref_id == third.submission_id)
    store.mark_delivered(row, {"platform_reference": "SQ20261128000003"})
    store.apply_status_changes([
        {"submission_id": third.submission_id, "status": "approved", "message": "准予许可",
         "certificate_ids": ["CERT-SAMPLE-3"]},
        {"submission_id": third.submission_id, "status": "rejected", "message": "经复核，不符合申领条件",
         "certificates": [{"certificate_id": "CERT-SAMPLE-3", "status": "withdrawn",
                           "reason": "经复核，不符合申领条件"}]}], "sample-cursor-2")
    kiosk.session.end()
    return payload["applicant"]["name"], payload["applicant"]["id_number"]


def show_staff_screen(kiosk, screen_id: str) -> None:  # noqa: ANN001
    from kiosk.ui.screenshots import SAMPLE_PERSON, settle

    if screen_id == "staff_login":
        kiosk.staff.open()
        for key in "0001":
            kiosk.staff.keypad(key)
        kiosk.staff.selectField("pin")
        for key in "1234":
            kiosk.staff.keypad(key)
        return
    name, id_number = (sample_submissions(kiosk) if kiosk.store is not None
                       else (SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    if screen_id == "staff_home":
        if kiosk.store is not None:                # a resident called from 签名 (waiting), one answered
            from kiosk.station import help_calls

            answered = help_calls.record_call(kiosk.store, "materials")
            help_calls.answer(kiosk.store, answered, "0002", kiosk.store.now())
            help_calls.record_call(kiosk.store, "sign")
        kiosk.staff.open()
        kiosk.staff._logged_in = "0001"            # as after a good PIN (scrypt is not the point here)
        kiosk.shell.jump("staff_home")
        kiosk.sample_print.refresh()               # what entering staff_home does (打印样表)
        kiosk.staff.refresh()
        kiosk.staff.wait()
        settle(kiosk.app)
        return
    if screen_id == "status_lookup":
        kiosk.shell.startWith("lookup")
        from kiosk.ui.session import Person

        kiosk.identify.on_identified(Person(name, id_number, source="manual"))
        kiosk.lookup.wait()
        settle(kiosk.app)
