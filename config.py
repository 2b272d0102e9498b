"""Settings with their defaults: the IRI base and where the embedded store lives."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEFAULT_BASE", "default_store_path", "iri_base"]

DEFAULT_BASE = "https://w3id.org/psikg/"


def iri_base() -> str:
    """The base of psikg's own IRIs (``PSIKG_BASE``), always ending with a slash."""
    base = os.environ.get("PSIKG_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"


def default_store_path() -> Path:
    """``PSIKG_STORE``, else ``$XDG_DATA_HOME/psikg/store.psikg`` (``~/.local/share`` by default)."""
    if os.environ.get("PSIKG_STORE"):
        return Path(os.environ["PSIKG_STORE"])
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "psikg" / "store.psikg"
