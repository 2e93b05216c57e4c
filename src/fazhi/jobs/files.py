"""Files a task reads or writes, kept through Django's storage API so that any worker host can open them.

With the default FileSystemStorage they live under MEDIA_ROOT (shared by the app servers and the workers, e.g. on
NFS); settings.STORAGES may point "default" at an object store instead: nothing here assumes a local path.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.files.storage import default_storage


def save_upload(upload, folder: str) -> str:
    """Store an uploaded file under `folder` with a name of its own; its storage name."""
    suffix = Path(upload.name).suffix.lower()[:10]
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}{suffix}", upload)


def save_bytes(content: bytes, folder: str, filename: str) -> str:
    """Store bytes as `filename` in a folder of their own (the name is what a download is called)."""
    from django.core.files.base import ContentFile

    return default_storage.save(f"{folder}/{uuid.uuid4().hex}/{filename}", ContentFile(content))


@contextlib.contextmanager
def local_path(name: str):
    """A path on this host holding the stored file (the file itself where the storage is local)."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
