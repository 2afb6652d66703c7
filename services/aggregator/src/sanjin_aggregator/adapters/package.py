"""MongoDB storage of the report package: files in GridFS (bucket `package_files`) and typical
cases (`cases`). All of their queries live here.

GridFS keeps a file as 255 KiB chunks in `package_files.chunks` and its description (length,
upload date, and our metadata: campaign, province, kind, media type, SHA-256, who uploaded it) in
`package_files.files`; it works on SecantusDB and on a replica set alike. docs/scaling.md says
when an object store would take over.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from gridfs.asynchronous import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.domain.package import Case, FileKind, StoredFile
from sanjin_shared.errors import ConcurrentModification
from sanjin_shared.office import MediaType

BUCKET = "package_files"
CASES = "cases"


class FileStore:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)
        self._files = db[f"{BUCKET}.files"]

    async def ensure_indexes(self) -> None:
        await self._files.create_indexes(
            [
                IndexModel(
                    [("metadata.campaign", ASCENDING), ("metadata.province", ASCENDING)],
                    name="package",
                )
            ]
        )

    async def put(self, file: StoredFile, content: bytes) -> None:
        """Store a file (GridFS refuses to write inside a transaction)."""
        await self._bucket.upload_from_stream_with_id(
            file.id,
            file.filename,
            content,
            metadata={
                "campaign": file.campaign,
                "province": file.province,
                "kind": file.kind.value,
                "media_type": file.media_type.value,
                "sha256": file.sha256,
                "uploaded_by": file.uploaded_by,
            },
        )

    async def delete(self, file_id: str) -> None:
        with contextlib.suppress(NoFile):
            await self._bucket.delete(file_id)

    async def get(self, file_id: str) -> StoredFile | None:
        doc = await self._files.find_one({"_id": file_id})
        return _file(doc) if doc else None

    async def same(self, file: StoredFile) -> StoredFile | None:
        """A file of the same package and kind with the same content, stored earlier."""
        doc = await self._files.find_one(
            {
                "metadata.campaign": file.campaign,
                "metadata.province": file.province,
                "metadata.kind": file.kind.value,
                "metadata.sha256": file.sha256,
            }
        )
        return _file(doc) if doc else None

    async def many(self, file_ids: list[str]) -> dict[str, StoredFile]:
        return {d["_id"]: _file(d) async for d in self._files.find({"_id": {"$in": file_ids}})}

    async def list(self, query: dict[str, Any]) -> list[StoredFile]:
        """Files whose metadata match `query` (campaign, province, kind), oldest first."""
        filt = {f"metadata.{k}": v for k, v in query.items()}
        cursor = self._files.find(filt).sort([("uploadDate", ASCENDING), ("_id", ASCENDING)])
        return [_file(d) async for d in cursor]

    async def used_bytes(self, campaign: str, province: str) -> int:
        """What a province's package of a campaign holds already, in bytes."""
        rows = await (
            await self._files.aggregate(
                [
                    {"$match": {"metadata.campaign": campaign, "metadata.province": province}},
                    {"$group": {"_id": None, "bytes": {"$sum": "$length"}}},
                ]
            )
        ).to_list()
        return int(rows[0]["bytes"]) if rows else 0

    async def chunks(self, file_id: str) -> AsyncIterator[bytes]:
        try:
            stream = await self._bucket.open_download_stream(file_id)
        except NoFile:
            return
        while chunk := await stream.readchunk():
            yield chunk


def _file(doc: dict[str, Any]) -> StoredFile:
    meta = doc.get("metadata") or {}
    return StoredFile(
        id=doc["_id"],
        campaign=meta["campaign"],
        province=meta["province"],
        kind=FileKind(meta["kind"]),
        filename=doc.get("filename") or doc["_id"],
        media_type=MediaType(meta["media_type"]),
        size=int(doc["length"]),
        sha256=meta["sha256"],
        uploaded_at=doc["uploadDate"],
        uploaded_by=meta.get("uploaded_by", ""),
    )


class CaseRepository:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._col = db[CASES]

    async def ensure_indexes(self) -> None:
        await self._col.create_indexes(
            [IndexModel([("campaign", ASCENDING), ("province", ASCENDING)], name="package")]
        )

    async def add(
        self, case: Case, *, now: datetime, by: str, session: AsyncClientSession | None = None
    ) -> None:
        await self._col.insert_one(
            _case_doc(case) | {"created_at": now, "updated_at": now, "created_by": by},
            session=session,
        )

    async def save(
        self, case: Case, *, now: datetime, session: AsyncClientSession | None = None
    ) -> None:
        result = await self._col.update_one(
            {"_id": case.id, "version": case.version - 1},
            {"$set": _case_doc(case) | {"updated_at": now}},
            session=session,
        )
        if result.matched_count != 1:
            raise ConcurrentModification(f"the case {case.id}")

    async def get(self, case_id: str) -> tuple[Case, datetime, datetime] | None:
        doc = await self._col.find_one({"_id": case_id})
        return (_case(doc), doc["created_at"], doc["updated_at"]) if doc else None

    async def list(self, query: dict[str, Any]) -> list[tuple[Case, datetime, datetime]]:
        cursor = self._col.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        return [(_case(d), d["created_at"], d["updated_at"]) async for d in cursor]

    async def ids(self, case_ids: list[str]) -> dict[str, Case]:
        return {d["_id"]: _case(d) async for d in self._col.find({"_id": {"$in": case_ids}})}


def _case_doc(case: Case) -> dict[str, Any]:
    return {
        "_id": case.id,
        "campaign": case.campaign,
        "province": case.province,
        "title": case.title,
        "text": case.text,
        "activity_ids": list(case.activity_ids),
        "photo_ids": list(case.photo_ids),
        "version": case.version,
    }


def _case(doc: dict[str, Any]) -> Case:
    return Case(
        id=doc["_id"],
        campaign=doc["campaign"],
        province=doc["province"],
        title=doc["title"],
        text=doc["text"],
        activity_ids=tuple(doc["activity_ids"]),
        photo_ids=tuple(doc["photo_ids"]),
        version=doc["version"],
    )
