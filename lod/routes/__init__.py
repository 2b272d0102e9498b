"""The server's routes, one module per concern: pages (landing, network view), documents (things,
content negotiation, the dataset and the model), the SPARQL endpoint, the dumps. Paths are
relative to the mount."""

from __future__ import annotations

from . import documents, dumps, pages, sparql

__all__ = ["ROUTES"]

ROUTES = [*pages.ROUTES, *documents.ROUTES, *sparql.ROUTES, *dumps.ROUTES]
