"""docs/graph-databases.md stays true to the model and the CLI (issue 6)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from psikg.cli import cli
from psikg.graph.cypher import mapping_markdown
from psikg.ontology.model import KINDS

DOC = Path(__file__).resolve().parents[1] / "docs" / "graph-databases.md"


def mapping_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- mapping:start")
    return text[text.index("\n", start) + 1:text.index("<!-- mapping:end -->")]


def test_the_mapping_in_the_docs_covers_the_model():
    """Every label, relationship type and property of the model is in the docs' mapping. To
    refresh it, replace the section with psikg.graph.cypher.mapping_markdown()."""
    section = mapping_section()
    generated = mapping_markdown()
    for line in generated.splitlines():
        if line.startswith("| ") and not line.startswith("| kind") and not line.startswith("| relationship"):
            key = " | ".join(line.split(" | ")[:2])  # the kind and label, or type and source label
            assert key in section, f"docs/graph-databases.md lacks the mapping row {line!r}"
    for kind in KINDS.values():
        for prop in kind.properties:
            assert f"`{prop.name}`" in section, f"docs/graph-databases.md lacks {kind.name}.{prop.name}"
        for rel in kind.relations:
            assert f"`{kind.name}.{rel.name}`" in section


def test_push_and_cypher_have_help_with_an_example():
    for command in ("push", "cypher"):
        done = CliRunner().invoke(cli, [command, "--help"])
        assert done.exit_code == 0
        assert "Example:" in done.output
        assert f"psikg {command}" in DOC.read_text(encoding="utf-8")
