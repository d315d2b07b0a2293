"""Spoken prompts: every screen says what to do, and 朗读 says it again.

Why espeak-ng through a subprocess: it is in Debian, has a Mandarin voice (`cmn`), needs no
network and no licence, and a child process cannot freeze the UI thread. One utterance at a time:
a new prompt stops the old one, because two voices at once help nobody. When espeak-ng is missing
the kiosk stays silent and says so in the log once, it never fails.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

log = logging.getLogger(__name__)


class Voice:
    def __init__(self, enabled: bool = True, voice: str = "cmn", words_per_minute: int = 150,
                 executable: str | None = None) -> None:
        self.enabled = enabled
        self._voice = voice
        self._rate = words_per_minute
        self._executable = executable or shutil.which("espeak-ng")
        self._current: subprocess.Popen | None = None
        self.last_text: str = ""
        if enabled and not self._executable:
            log.warning("espeak-ng not found: spoken prompts are off")

    @property
    def available(self) -> bool:
        return self.enabled and self._executable is not None

    def say(self, text: str) -> None:
        """Speak `text` now, interrupting whatever was being said. Never blocks."""
        self.last_text = text
        self.stop()
        if not self.available or not text:
            return
        try:
            self._current = subprocess.Popen(
                [self._executable, "-v", self._voice, "-s", str(self._rate), "--", text],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("cannot start espeak-ng: %s", exc.strerror)
            self._current = None

    def busy(self) -> bool:
        """Is an utterance still being said? (The guide's slides wait for their narration.)"""
        return self._current is not None and self._current.poll() is None

    def repeat(self) -> None:
        self.say(self.last_text)

    def stop(self) -> None:
        process, self._current = self._current, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()
