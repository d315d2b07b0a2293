"""QImage → PNG bytes in memory, for what the kiosk draws itself (signatures, consent sheets).

Why in memory: a signature or a resident's consent must never touch the disk unencrypted; the
bytes go straight to the encrypted store.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())
