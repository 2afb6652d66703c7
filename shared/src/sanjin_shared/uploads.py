"""The checks every uploaded file passes before it is stored.

- Its type is decided by its content (`office.sniff`, and for zips the package's parts), never
  by its name or the declared content type; a type the kind of file does not allow is refused.
- Executables (whatever their name), legacy or encrypted office files, macros, zip bombs and XML
  entity declarations are refused (`office.check_package`).
- Images are decoded (with a cap on their pixels, against decompression bombs) and encoded again
  from their pixels only, turned upright first: EXIF (with its GPS position), XMP, comments and
  anything appended after the image are gone.

`inspect` answers the bytes to store, their type, size and SHA-256; an `UnsafeFile` says why not.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Collection
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from sanjin_shared.office import (
    IMAGES,
    OOXML,
    MediaType,
    PackageLimits,
    UnsafeFile,
    check_package,
    sniff,
)

MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb here
JPEG_QUALITY = 90
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction")


@dataclass(frozen=True, slots=True)
class CheckedFile:
    content: bytes
    media_type: MediaType
    size: int
    sha256: str


def inspect(
    data: bytes,
    allowed: Collection[MediaType],
    *,
    limits: PackageLimits | None = None,
) -> CheckedFile:
    if not data:
        raise UnsafeFile("empty-file", "文件是空的")
    media_type = sniff(data[:16])
    if media_type is None:
        raise UnsafeFile(
            "unsupported-type",
            "无法识别的文件类型：只接受 PDF、Word（.docx）、Excel（.xlsx）、JPEG 和 PNG 文件",
        )
    if media_type in OOXML:
        media_type = check_package(data, limits)
    if media_type not in allowed:
        names = "、".join(_NAMES[m] for m in allowed)
        raise UnsafeFile("type-not-allowed", f"文件内容是{_NAMES[media_type]}，此处只接受{names}")
    if media_type is MediaType.pdf and any(marker in data for marker in _PDF_ACTIVE):
        raise UnsafeFile(
            "active-content", "PDF 含有脚本、自动动作或内嵌文件，请另存为普通 PDF 后再上传"
        )
    if media_type in IMAGES:
        data = reencode(data, media_type)
    return CheckedFile(
        content=data,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def reencode(data: bytes, media_type: MediaType) -> bytes:
    """The image's pixels only, upright, in the same format: no metadata survives."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise UnsafeFile(
                        "image-too-large", "图片像素过多（超过 4000 万像素），请缩小后再上传"
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
    except UnsafeFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnsafeFile("image-too-large", "图片像素过多，疑似解压炸弹，拒绝处理") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UnsafeFile("broken-image", "图片已损坏，无法读取") from exc
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)  # pixels only: the new image has no info, EXIF, XMP or ICC comments
    out = io.BytesIO()
    if media_type is MediaType.jpeg:
        if clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


_NAMES = {
    MediaType.pdf: "PDF 文件",
    MediaType.docx: "Word 文档（.docx）",
    MediaType.xlsx: "Excel 工作簿（.xlsx）",
    MediaType.jpeg: "JPEG 图片",
    MediaType.png: "PNG 图片",
}


def preview(data: bytes, *, size: int = 320) -> bytes:
    """A JPEG thumbnail of a stored image (at most `size` pixels a side), for lists of photos."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (size, size))  # a JPEG is decoded at a fraction of its size
        small = image.convert("RGB")
    small.thumbnail((size, size))
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    return out.getvalue()
