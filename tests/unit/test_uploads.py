"""The checks on uploaded files, without a server: type from the content, hostile packages
refused with their reason, images re-encoded without EXIF GPS."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sanjin_shared.office import MediaType, UnsafeFile, check_package, sniff
from sanjin_shared.uploads import inspect
from tests.support.office_files import (
    EXECUTABLE,
    docx,
    gps_of,
    jpeg_with_gps,
    laughing_docx,
    with_parts,
    zip_bomb,
)

ALL = frozenset(MediaType)


def reason(data: bytes, allowed: frozenset[MediaType] = ALL) -> str:
    with pytest.raises(UnsafeFile) as refused:
        inspect(data, allowed)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    return refused.value.slug


def test_the_type_is_decided_by_the_content() -> None:
    assert sniff(b"%PDF-1.7") is MediaType.pdf
    assert check_package(docx()) is MediaType.docx
    assert inspect(docx(), ALL).media_type is MediaType.docx
    assert reason(EXECUTABLE) == "executable"
    assert reason(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64) == "legacy-office"
    assert reason(b"hello") == "unsupported-type"
    assert reason(docx(), frozenset({MediaType.jpeg})) == "type-not-allowed"


def test_hostile_packages_are_refused_with_their_reason() -> None:
    assert reason(zip_bomb(docx(), "word/document.xml", unpacked_mib=20)) == "zip-bomb"
    assert reason(laughing_docx()) == "xml-entities"
    assert reason(docx(extra={"word/vbaProject.bin": b"\x00"})) == "macro"
    macro_types = with_parts(
        docx(),
        replace={
            "[Content_Types].xml": docx_types().replace(
                b"document.main+xml", b"document.macroEnabled.main+xml"
            )
        },
    )
    assert reason(macro_types) == "macro"
    assert reason(b"%PDF-1.4 /OpenAction << /JS (x) >>") == "active-content"


def docx_types() -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx())) as z:
        return z.read("[Content_Types].xml")


def test_images_are_stored_upright_without_their_metadata() -> None:
    photo = jpeg_with_gps(40, 20)
    assert gps_of(photo)
    checked = inspect(photo, frozenset({MediaType.jpeg}))
    assert gps_of(checked.content) == {}
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (40, 20) and not image.getexif()
    palette = io.BytesIO()
    Image.new("P", (8, 8), 3).save(palette, format="PNG", pnginfo=None)
    assert inspect(palette.getvalue(), ALL).media_type is MediaType.png
