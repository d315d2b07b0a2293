"""The name matcher's arithmetic: CTC likelihoods on small made-up probability tables, and the
masking of names in what the resident hears."""

from __future__ import annotations

import numpy as np

from devices.precheck.match import WILDCARD, Verdict, ctc_log_likelihood, mask_name, person_state
from devices.precheck.ocr import TopK


def table(rows: list[dict[int, float]], classes: int = 50) -> TopK:
    probs = np.full((len(rows), classes), 1e-6, np.float32)
    for t, row in enumerate(rows):
        for c, p in row.items():
            probs[t, c] = p
        probs[t] /= probs[t].sum()
    return TopK.of(probs)


def test_the_read_labels_are_likelier_than_other_labels():
    probs = table([{5: 0.9, 0: 0.1}, {0: 0.95}, {7: 0.6, 8: 0.3, 0: 0.1}, {0: 0.99}])
    read = ctc_log_likelihood(probs, [5, 7])
    near = ctc_log_likelihood(probs, [5, 8])  # the recogniser's second choice: a little less
    far = ctc_log_likelihood(probs, [5, 9])  # never considered: far less
    assert read > near > far
    assert read - near < 1.5 and read - far > 8


def test_a_wildcard_costs_nothing_where_any_character_stands():
    probs = table([{5: 0.9, 0: 0.1}, {0: 0.95}, {7: 0.9, 0: 0.1}, {0: 0.99}])
    assert abs(ctc_log_likelihood(probs, [5, WILDCARD]) - ctc_log_likelihood(probs, [5, 7])) < 1e-6


def test_repeated_labels_need_a_blank_between_them():
    probs = table([{5: 0.98}, {5: 0.98}, {5: 0.98}])
    assert ctc_log_likelihood(probs, [5]) > ctc_log_likelihood(probs, [5, 5]) + 5


def test_masking():
    assert mask_name("王小明") == "王**" and mask_name("李娜") == "李*" and mask_name("") == ""


def test_the_id_number_outweighs_a_doubtful_name_but_not_a_clear_mismatch():
    ok_id = Verdict("main", "id_number", "match")
    assert person_state([Verdict("main", "name", "doubt"), ok_id]) == "match"
    assert person_state([Verdict("main", "name", "mismatch"), ok_id]) == "mismatch"
    assert person_state([Verdict("main", "name", "doubt")]) == "mismatch"
    assert (
        person_state([Verdict("main", "name", "match"), Verdict("main", "id_number", "mismatch")])
        == "mismatch"
    )
    assert person_state([Verdict("main", "name", "unknown")]) == "unknown"
