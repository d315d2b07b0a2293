"""A minimal, valid one-page PDF for the reference platform's certificates.

Why hand-written: the reference platform needs a small real PDF (header, objects, a correct xref
table with byte offsets, trailer) and nothing else; a PDF library would be a dependency for forty
lines, and Qt's PDF writer is not allowed in sync/. Text uses the standard Helvetica font, so it
is ASCII only (pinyin and references); the kiosk prints the Chinese A4 page itself.
"""

from __future__ import annotations


def _escape(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def certificate_pdf(lines: list[str], title: str = "Certificate") -> bytes:
    """An A4 page with a title and some lines of text."""
    ops = ["BT", "/F1 20 Tf", "72 770 Td", f"({_escape(title)}) Tj", "/F1 12 Tf", "0 -36 Td"]
    for line in lines:
        ops += [f"({_escape(line)}) Tj", "0 -18 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)
