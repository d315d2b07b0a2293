"""Touch drivers' step past the credit-check notice (逢办必查), for every journey test that
chooses a bundle: the notice appears only for bundles with a credit-checked item."""

from __future__ import annotations

from kiosk.ui.screenshots import settle


def wait_for_credit_result(kiosk, rounds: int = 300) -> str:
    """The outcome shown once the check (on a worker thread) has answered. Bounded: never hangs."""
    for _ in range(rounds):
        if kiosk.credit.property("state") != "checking":
            break
        kiosk.credit.wait()
        settle(kiosk.app, 1)
    settle(kiosk.app)                   # the outcome laid out before a button on it is looked for
    return kiosk.credit.property("state")


def pass_credit_notice(kiosk) -> str | None:
    """On the notice: wait for the result and tap 继续 (继续办理). Elsewhere: nothing (None)."""
    from tests.ui.test_shell import tap

    if kiosk.shell.property("screen") != "credit_notice":
        assert kiosk.journey.bundle is None or not kiosk.journey.bundle.needs_credit_check
        return None
    outcome = wait_for_credit_result(kiosk)
    assert outcome in ("clear", "hit", "unavailable"), outcome
    tap(kiosk, "creditContinueButton")
    assert kiosk.shell.property("screen") == "bundle_intro"
    return outcome
