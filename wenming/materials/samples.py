"""Small real files (PDF, Word, Excel, PNG) that open in their programs: the demo's evidence
and the tests' uploads."""

import io
from datetime import date

from PIL import Image, ImageDraw


def pdf_bytes(title: str = "Wenming", lines: tuple[str, ...] = ()) -> bytes:
    """A one-page PDF with ASCII text (Helvetica), with a correct cross-reference table."""

    def esc(text: str) -> str:
        text = text.encode("ascii", "replace").decode("ascii")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = [title, *lines]
    stream = "BT /F1 14 Tf 56 780 Td 18 TL " + " ".join(f"({esc(r)}) '" for r in rows) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def docx_bytes(title: str = "Wenming", paragraphs: tuple[str, ...] = ()) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(title: str = "Wenming", rows: tuple[tuple, ...] = ()) -> bytes:
    from openpyxl import Workbook

    from wenming.core.spreadsheets import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    append_row(sheet, [title])
    for row in rows:
        append_row(sheet, list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def png_bytes(seed: int = 1, size=(320, 240)) -> bytes:
    """A small picture with a few shapes (a 'photo of the scene')."""
    image = Image.new("RGB", size, (230, 236, 228))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x = (seed * 37 + i * 53) % size[0]
        y = (seed * 19 + i * 41) % size[1]
        colour = ((seed * 60 + i * 30) % 256, (i * 70) % 256, (seed * 11 + 90) % 256)
        draw.rectangle((x, y, x + 60, y + 40), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sample_file(kind: str, *, title: str, seed: int = 1, day: date | None = None):
    """(file name, bytes) of a small real file of `kind` ("pdf", "word", "excel", "image")."""
    stamp = (day or date.today()).isoformat()
    if kind == "pdf":
        return f"{title}.pdf", pdf_bytes(title, (f"Date: {stamp}", "Wenming demo document"))
    if kind == "word":
        return f"{title}.docx", docx_bytes(title, (f"Date: {stamp}", "Explanatory report."))
    if kind == "excel":
        return f"{title}.xlsx", xlsx_bytes(title, (("date", stamp), ("count", seed * 3)))
    return f"{title}.png", png_bytes(seed)
