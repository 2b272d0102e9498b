"""Write the files generated from the model: ``python -m psikg.ontology.generate [--check]``.

They are ``ontology/psikg.ttl`` (OWL), ``ontology/shapes.ttl`` (SHACL), ``ontology/context.jsonld``
(JSON-LD context) and ``docs/model.md``, all for the default IRI base. ``--check`` writes nothing
and exits 1 when a shipped file differs from what the code generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import DEFAULT_BASE

__all__ = ["ONTOLOGY_DIR", "generated_files", "main"]

ONTOLOGY_DIR = Path(__file__).resolve().parent
DOCS_DIR = ONTOLOGY_DIR.parent / "docs"


def turtle(graph) -> str:
    """Turtle text of a graph, stable from run to run."""
    return graph.serialize(format="turtle")


def generated_files() -> dict[Path, str]:
    """Each generated file with the text it must have."""
    from .context import context_text
    from .docs import model_markdown
    from .owl import ontology_graph, shapes_graph

    return {
        ONTOLOGY_DIR / "psikg.ttl": turtle(ontology_graph(DEFAULT_BASE)),
        ONTOLOGY_DIR / "shapes.ttl": turtle(shapes_graph(DEFAULT_BASE)),
        ONTOLOGY_DIR / "context.jsonld": context_text(DEFAULT_BASE),
        DOCS_DIR / "model.md": model_markdown(),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for path, text in generated_files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if check and stale:
        print("out of date: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
