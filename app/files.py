"""Attached files: kept in the files directory (``DSF_FILES_DIR``) under their SHA-256, so the
same bytes are stored once and a row can always prove which bytes it names; the type is read
from the content (never from the name)."""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile

import filetype
from flask import current_app

# what we accept, by the type the content shows -> its media type
ACCEPTED = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# zip containers are told apart by the part every such file has
_ZIP_PARTS = (("OFD.xml", "ofd"), ("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"))


def kind_of(content: bytes) -> str | None:
    """The accepted type the bytes are (``pdf``, ``ofd``, …), or None."""
    guess = filetype.guess(content)
    if guess is not None and guess.extension in ACCEPTED:
        return guess.extension
    if guess is not None and guess.extension == "zip" or content[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return None
        return next((kind for part, kind in _ZIP_PARTS if part in names), None)
    return None


def directory() -> str:
    return current_app.config["DSF_FILES_DIR"]


def path_of(sha256: str) -> str:
    return os.path.join(directory(), sha256[:2], sha256)


def store(content: bytes) -> str:
    """Write the bytes (once) and return their SHA-256; atomic, so a reader never sees half a file."""
    digest = hashlib.sha256(content).hexdigest()
    target = path_of(digest)
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target))
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, target)
    return digest
