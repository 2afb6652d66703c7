"""What an uploaded file is, decided by its content, and whether it is safe to open.

Names and declared content types are never trusted: `sniff` reads the magic bytes and, for the
zip-based office formats (OOXML: docx, xlsx), the package's own parts. `check_package` opens an
OOXML package as a zip and refuses, before any XML parser sees it:

- zip bombs: more entries than `max_entries`, more uncompressed bytes than `max_unpacked` (counted
  while actually decompressing, not taken from the headers, which can lie), or a part that
  decompresses more than `max_ratio` times its stored size;
- XML entity expansion ("billion laughs") and external entities: any part with a DOCTYPE or an
  ENTITY declaration (OOXML never needs one);
- macros (a VBA project, a macro-enabled content type) and, in workbooks, links to external
  workbooks.

Every refusal is an `UnsafeFile` with a stable slug and a Chinese message for the person who
uploaded it. Pure: bytes in, a verdict out.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum

MiB = 1024 * 1024


class MediaType(StrEnum):
    pdf = "application/pdf"
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    jpeg = "image/jpeg"
    png = "image/png"


EXTENSIONS: dict[MediaType, str] = {
    MediaType.pdf: "pdf",
    MediaType.docx: "docx",
    MediaType.xlsx: "xlsx",
    MediaType.jpeg: "jpg",
    MediaType.png: "png",
}
TOO_LARGE = frozenset({"unpacked-too-large", "image-too-large"})
IMAGES = frozenset({MediaType.jpeg, MediaType.png})
OOXML = frozenset({MediaType.docx, MediaType.xlsx})


class UnsafeFile(Exception):
    """A file refused for what it contains; `slug` names the reason for programs. `status` is
    413 for what is only too large, 422 for the rest."""

    def __init__(self, slug: str, message: str) -> None:
        super().__init__(message)
        self.slug = slug
        self.message = message

    @property
    def status(self) -> int:
        return 413 if self.slug in TOO_LARGE else 422


@dataclass(frozen=True, slots=True)
class PackageLimits:
    max_entries: int = 2_000
    max_unpacked: int = 200 * MiB
    max_ratio: int = 200  # a part may decompress at most this many times its stored size
    ratio_floor: int = 1 * MiB  # parts smaller than this unpacked are not held to the ratio


_EXECUTABLE_MAGIC = (
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "macOS 可执行程序"),
    (b"\xfe\xed\xfa\xcf", "macOS 可执行程序"),
    (b"#!", "脚本"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .xls / encrypted OOXML
_MACRO_MARKERS = (b"vbaProject", b"macroEnabled", b"vbaData", b"application/vnd.ms-office.activeX")
_DANGEROUS_XML = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 64 * 1024


def sniff(head: bytes) -> MediaType | None:
    """The type the first bytes announce (OOXML is only "a zip" here: see `check_package`)."""
    for magic, what in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise UnsafeFile("executable", f"文件内容是{what}，不接受可执行文件")
    if head.startswith(_OLE2):
        raise UnsafeFile(
            "legacy-office",
            "文件是旧版 Office 格式（.doc/.xls）或已加密，请另存为 .docx/.xlsx 且不设密码后再上传",
        )
    if head.startswith(b"%PDF-"):
        return MediaType.pdf
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType.jpeg
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.png
    if head.startswith(b"PK\x03\x04"):
        return MediaType.xlsx  # provisional: the package's parts decide (check_package)
    return None


def check_package(data: bytes, limits: PackageLimits | None = None) -> MediaType:
    """Whether an OOXML package is safe to parse, and whether it is a docx or an xlsx."""
    limits = limits or PackageLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnsafeFile("not-office", "文件不是有效的 Office 文档（压缩包已损坏）") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_entries:
            raise UnsafeFile("zip-bomb", f"文件包含 {len(entries)} 个部件，超过上限，拒绝处理")
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names:
            raise UnsafeFile("not-office", "文件不是 Office 文档（缺少 [Content_Types].xml）")
        kind: MediaType | None = None
        if "word/document.xml" in names:
            kind = MediaType.docx
        elif "xl/workbook.xml" in names:
            kind = MediaType.xlsx
        if kind is None:
            raise UnsafeFile("unsupported-type", "压缩包不是 Word（.docx）或 Excel（.xlsx）文档")
        for name in names:
            lowered = name.lower()
            if "vbaproject" in lowered or (lowered.endswith(".bin") and "activex" in lowered):
                raise UnsafeFile(
                    "macro", "文件含有宏（VBA），不接受含宏的文档，请另存为不含宏的格式"
                )
            if lowered.startswith("xl/externallinks/"):
                raise UnsafeFile(
                    "external-link", "工作簿含有指向其他工作簿的外部链接，请删除链接后再上传"
                )
        unpacked = 0
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise UnsafeFile("encrypted", "文件中有加密部件，无法检查，拒绝处理")
            unpacked += _scan_part(archive, entry, limits, unpacked)
    return kind


def _scan_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: PackageLimits, so_far: int
) -> int:
    """Decompress one part in chunks: its real size, its ratio, and no DTD in XML parts."""
    size = 0
    tail = b""
    is_xml = entry.filename.endswith((".xml", ".rels", ".vml"))
    is_types = entry.filename == "[Content_Types].xml"
    stored = max(entry.compress_size, 1)
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if so_far + size > limits.max_unpacked:
                    raise UnsafeFile(
                        "unpacked-too-large",
                        f"文件解压后超过 {limits.max_unpacked // MiB} MB，请拆分或压缩图片后再上传",
                    )
                if size > limits.ratio_floor and size > limits.max_ratio * stored:
                    raise UnsafeFile("zip-bomb", "文件的压缩比异常（疑似压缩炸弹），拒绝处理")
                if is_xml:
                    window = tail + chunk
                    if any(marker in window for marker in _DANGEROUS_XML):
                        raise UnsafeFile(
                            "xml-entities",
                            "文件含有 XML 实体声明（DOCTYPE/ENTITY，可用于“十亿笑声”攻击），拒绝处理",
                        )
                    if is_types and any(marker in window for marker in _MACRO_MARKERS):
                        raise UnsafeFile(
                            "macro", "文件含有宏（VBA），不接受含宏的文档，请另存为不含宏的格式"
                        )
                    tail = window[-32:]
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise UnsafeFile("not-office", "文件已损坏，无法读取") from exc
    return size
