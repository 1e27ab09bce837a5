"""Document uploads with real files: a PDF, a Word and an Excel file as their programs write
them, a PNG from Pillow, and files that only pretend to be one of those."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from wenming.core.documents import (
    OLE2_MAGIC,
    document_response,
    document_store,
    safe_name,
    validate_document,
)
from wenming.core.errors import InvalidInput, NotFound, Unavailable
from wenming.materials.samples import docx_bytes, pdf_bytes, png_bytes, xlsx_bytes
from wenming.testing.storage import isolate_media, unreachable_s3

pytestmark = pytest.mark.storage


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(name: str, data: bytes, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        validate_document(upload(name, data), **kwargs)
    return caught.value


@pytest.fixture
def media(settings, tmp_path):
    isolate_media(settings, tmp_path)


def test_real_files_of_each_kind_are_accepted():
    cases = [
        ("通知.pdf", pdf_bytes("Notice"), "pdf", "application/pdf"),
        ("report.docx", docx_bytes("Report", ("text",)), "word", "wordprocessingml"),
        ("table.XLSX", xlsx_bytes("Table", (("a", 1),)), "excel", "spreadsheetml"),
    ]
    for name, data, kind, content_type in cases:
        document = validate_document(upload(name, data))
        assert document.kind == kind and content_type in document.content_type
        assert document.name == name and document.data == data and document.size == len(data)
        assert document.extension == name.rsplit(".", 1)[1].lower()


def test_an_image_is_kept_as_its_re_encoded_office_copy():
    document = validate_document(upload("scene.png", png_bytes(3) + b"hidden tail"))
    assert document.kind == "image" and document.extension == "jpg"
    assert document.name == "scene.jpg" and document.content_type == "image/jpeg"
    assert b"hidden tail" not in document.data


def test_a_png_renamed_pdf_is_refused_naming_the_file():
    error = refusal("photo.pdf", png_bytes())
    assert error.status == 400 and error.code == "content_mismatch"
    assert "photo.pdf" in str(error.message)
    with translation.override("zh-hans"):
        error = refusal("照片.pdf", png_bytes())
    assert "照片.pdf" in str(error.message) and "并非" in str(error.message)


@pytest.mark.parametrize(
    "name,data",
    [
        ("report.docx", xlsx_bytes()),  # a real ZIP office file, but a workbook
        ("table.xlsx", docx_bytes()),
        ("report.docx", b"PK\x03\x04 not really a zip"),
        ("report.docx", pdf_bytes()),
        ("legacy.doc", docx_bytes()),
        ("legacy.xls", OLE2_MAGIC + "WordDocument".encode("utf-16-le") + b"\0" * 64),
        ("scan.jpg", pdf_bytes()),
        ("notice.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"),  # cut off: no %%EOF
    ],
    # Stable ids: generated files differ byte for byte between runs (ZIP times), and xdist
    # workers must collect the same test names.
    ids=["xlsx-as-docx", "docx-as-xlsx", "broken-zip", "pdf-as-docx", "docx-as-doc",
         "wrong-ole2", "pdf-as-jpg", "pdf-cut-off"],
)
def test_content_that_is_not_the_claimed_type_is_refused(name, data):
    error = refusal(name, data)
    assert error.status == 400 and name in str(error.message)


def test_legacy_office_files_are_accepted_by_their_ole2_streams():
    word = OLE2_MAGIC + b"\0" * 56 + "WordDocument".encode("utf-16-le") + b"\0" * 64
    excel = OLE2_MAGIC + b"\0" * 56 + "Workbook".encode("utf-16-le") + b"\0" * 64
    assert validate_document(upload("old.doc", word)).kind == "word"
    assert validate_document(upload("old.xls", excel)).content_type == "application/vnd.ms-excel"


def test_unaccepted_extensions_and_kinds_are_refused():
    assert refusal("run.exe", b"MZ" + b"\0" * 100).code == "file_type"
    assert refusal("noext", pdf_bytes()).code == "file_type"
    error = refusal("report.docx", docx_bytes(), kinds=("pdf",))
    assert error.code == "file_type" and "PDF" in str(error.message)


def test_oversize_and_empty_files_are_refused(settings):
    settings.WENMING_MAX_DOCUMENT_BYTES = 2000
    big = pdf_bytes("x", tuple(f"line {i}" for i in range(200)))
    assert len(big) > 2000
    error = refusal("big.pdf", big)
    assert error.code == "too_large" and "big.pdf" in str(error.message)
    assert refusal("empty.pdf", b"").code == "empty_file"


def test_a_zip_bomb_is_refused_before_inflating(settings):
    settings.WENMING_MAX_DOCUMENT_BYTES = 100_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("padding.bin", b"\0" * 2_000_000)  # inflates to 20× the limit
    assert len(out.getvalue()) < 100_000
    assert refusal("bomb.docx", out.getvalue()).code == "damaged_document"


def test_safe_names_drop_paths_and_reserved_characters():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\a\\报告.docx") == "报告.docx"
    assert safe_name('a"b\r\n;c.pdf') == "a_b___c.pdf"
    assert safe_name("") == "document"
    long = safe_name("长" * 300 + ".xlsx")
    assert len(long) == 120 and long.endswith(".xlsx")


def test_store_and_stream_back_with_a_safe_disposition(media):
    data = docx_bytes("Report")
    document = validate_document(upload("工作报告.docx", data))
    name = document_store(document, folder="materials/test")
    assert name.startswith("materials/test/") and name.endswith(".docx")
    assert "工作报告" not in name  # stored under a random name, never the user's
    with default_storage.open(name) as handle:
        assert handle.read() == data
    response = document_response(name, filename='工作"报告.docx')
    assert b"".join(response.streaming_content) == data
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert '"' not in disposition.split("filename*=")[1]
    assert "wordprocessingml" in response["Content-Type"]


def test_a_missing_file_is_a_404(media):
    with pytest.raises(NotFound):
        document_response("materials/none/gone.pdf", filename="gone.pdf")


def test_an_unreachable_store_is_a_503(settings):
    document = validate_document(upload("a.pdf", pdf_bytes()))
    unreachable_s3(settings)
    with pytest.raises(Unavailable) as caught:
        document_store(document, folder="materials/x")
    assert caught.value.status == 503
