"""Where the bytes of evidence files are kept: Django's storage `STORAGES["evidence"]` (settings.py: local disk under
MEDIA_ROOT by default, an S3-compatible bucket when FAZHI_S3_BUCKET is set). Nothing here assumes a local path."""

from __future__ import annotations

import uuid

from django.core.files.storage import storages
from django.utils import timezone

ALIAS = "evidence"


def storage():
    return storages[ALIAS]


def save(upload, extension: str) -> str:
    """Store the upload under a name of its own (never the uploader's name); its storage name."""
    upload.seek(0)
    today = timezone.localdate()
    return storage().save(f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}", upload)


def open_file(name: str):
    return storage().open(name, "rb")


def delete(name: str) -> None:
    """Remove stored bytes (only for an upload whose row was never written: a deleted file keeps its bytes)."""
    if name:
        storage().delete(name)
