"""The report package of a province: its files (the summary, photos, attachments) and its
typical cases (典型案例). Pure: the kinds of file and what each accepts, the rules of a case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sanjin_shared.errors import RuleViolation
from sanjin_shared.office import MediaType
from sanjin_shared.reference import LabelledEnum


class FileKind(LabelledEnum):
    summary = ("summary", "总结材料")
    case_photo = ("case_photo", "典型案例照片")
    photo = ("photo", "活动照片")
    attachment = ("attachment", "附件")


ACCEPTED: dict[FileKind, frozenset[MediaType]] = {
    FileKind.summary: frozenset({MediaType.docx, MediaType.pdf}),
    FileKind.case_photo: frozenset({MediaType.jpeg, MediaType.png}),
    FileKind.photo: frozenset({MediaType.jpeg, MediaType.png}),
    FileKind.attachment: frozenset(MediaType),
}
PHOTO_KINDS = frozenset({FileKind.case_photo, FileKind.photo})
MAX_CASE_PHOTOS = 20
MAX_CASE_ACTIVITIES = 50


@dataclass(frozen=True, slots=True)
class StoredFile:
    id: str
    campaign: str
    province: str
    kind: FileKind
    filename: str
    media_type: MediaType
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True, slots=True)
class Case:
    """A typical case: a title, its text, the activities it tells of and its photos."""

    id: str
    campaign: str
    province: str
    title: str
    text: str
    activity_ids: tuple[str, ...]
    photo_ids: tuple[str, ...]
    version: int = 1

    def check_photos(self, files: dict[str, StoredFile]) -> None:
        """Each photo is a photo file of the same province and campaign (`files` by id)."""
        for photo_id in self.photo_ids:
            found = files.get(photo_id)
            if (
                found is None
                or found.province != self.province
                or found.campaign != self.campaign
                or found.kind not in PHOTO_KINDS
            ):
                raise RuleViolation("photo_ids", f"{photo_id} 不是本省本年度活动的照片")

    def revise(
        self, title: str, text: str, activity_ids: tuple[str, ...], photo_ids: tuple[str, ...]
    ) -> Case:
        return replace(
            self,
            title=title,
            text=text,
            activity_ids=activity_ids,
            photo_ids=photo_ids,
            version=self.version + 1,
        )
