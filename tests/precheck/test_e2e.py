"""Issue 17 end to end, below the screen: a resident photographs a 出生医学证明 whose mother is not
the applicant; the document camera's capture pipeline flattens it; the pre-check warns in plain
Chinese; the resident keeps the photo anyway; the submission carries the `precheck` object to the
reference platform, which stores it (and no name or number in it)."""

from __future__ import annotations

import json
from datetime import date

import numpy as np

from devices.capture import capture, preset
from devices.precheck import expectation_for, to_payload
from devices.precheck.people import make_person
from sync import enrollment
from sync.worker import DeliveryWorker
from tests.precheck.conftest import photo_of
from tests.sync.helpers import enrolled_store, sample_payload


def test_mismatched_birth_certificate_is_warned_about_and_the_warning_reaches_the_platform(
    tmp_path, platform, checker
):
    rng = np.random.default_rng(2024)
    mother = make_person(rng, sex="女", born_from=date(1988, 1, 1), born_to=date(1996, 1, 1), rare=0.0)
    father = make_person(rng, sex="男", born_from=date(1986, 1, 1), born_to=date(1994, 1, 1), rare=0.0)
    child = make_person(
        rng, born_from=date(2025, 1, 1), born_to=date(2025, 5, 1), rare=0.0, surname=father.name[0]
    )
    applicant = make_person(rng, sex="女", born_from=date(1988, 1, 1), born_to=date(1996, 1, 1), rare=0.0)
    frame, _ = photo_of(
        "birth_cert", 15, {"child": child, "mother": mother, "father": father}, layout="stacked"
    )

    page = capture(frame, preset("a4"))  # what the kiosk's camera screen does on 拍照
    assert page.jpeg is not None
    answers = {
        "applicant_relation": "mother",
        "applicant_name": applicant.name,
        "applicant_id_number": applicant.id_number,
        "other_parent_name": father.name,
        "other_parent_id_number": father.id_number,
        "baby_name": child.name,
    }
    result = checker.check(page.jpeg, expectation_for("newborn", "birth_certificate", answers))

    assert result.doc_type == "birth_cert" and result.mismatch is True
    warning = next(f for f in result.findings if "母亲的身份证号码" in f)
    assert warning.startswith("材料上母亲的身份证号码与您填写的不一致")
    assert mother.id_number[-4:] in warning and applicant.id_number[-4:] in warning
    # the father and the child agree: nothing is said about them
    assert not any("父亲" in f or "新生儿" in f for f in result.findings)

    store, keys = enrolled_store(tmp_path, platform)
    sha = store.put_attachment(page.jpeg)
    payload = sample_payload(attachments=[sha], name=applicant.name, id_number=applicant.id_number)
    payload["materials"][0]["precheck"] = {sha: to_payload(result)}
    store.submit(payload)
    DeliveryWorker(store, enrollment.make_client(store, keys, timeout=5)).run_once(force=True)

    (row,) = platform.service._conn().execute("SELECT body FROM submissions").fetchall()
    stored = json.loads(row["body"])["materials"][0]["precheck"][sha]
    assert stored["mismatch"] is True and stored["doc_type"] == "birth_cert"
    assert {"role": "mother", "field": "id_number"} in stored["mismatches"]
    assert mother.name not in row["body"].split('"precheck"')[1]
    assert mother.id_number not in row["body"]
