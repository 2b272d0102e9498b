"""Every command has help with an example and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from psikg.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = cli.list_commands(None)  # the lazy group lists every command without importing it


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_an_example(name, runner):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"psikg {name} --help shows no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    assert f"psikg {name}" in README, f"README.md does not mention psikg {name}"


# The README and the tutorial, run as written --------------------------------------------------

DOCS = Path(__file__).resolve().parents[1]
WALKED = ("README.md", "docs/tutorial.md")

#: README commands the test cannot run, each with the reason; every one must still be in the
#: README (so this list cannot silently outlive what it excuses).
NEEDS_MORE = {
    "psikg load CLASS_FY2026.xlsx egdi-2018.csv": "official files you download yourself",
    "psikg load cases.csv --mapping jrc-ips-explorer --report refused.csv": "a catalogue export of your own",
    "psikg serve --port 8000": "runs until stopped (tests/test_lod_server.py serves for real)",
    "psikg push --to falkor://127.0.0.1:6379/psikg": "a FalkorDB server (tests/test_push.py)",
    "psikg --store falkor://127.0.0.1:6379/psikg cypher 'MATCH (p:Practice) RETURN count(p)'":
        "a FalkorDB server (tests/test_cli_on_databases.py)",
}


def walk(document: str):
    """The document's steps in order: ("run", argv, line) for each psikg command in an ``sh``
    block, ("write", path, text) for each ``csv PATH`` block (a file the reader fills in)."""
    import re
    import shlex

    text = (DOCS / document).read_text(encoding="utf-8")
    for info, body in re.findall(r"^```([^\n]*)\n(.*?)^```", text, flags=re.S | re.M):
        words = info.split()
        if words[:1] == ["csv"] and len(words) == 2:
            yield "write", words[1], body
        elif words[:1] == ["sh"]:
            for line in body.splitlines():
                command = line.split("  #")[0].strip()
                if command.startswith("psikg ") and command not in NEEDS_MORE:
                    yield "run", shlex.split(command)[1:], command


def test_every_excused_command_is_still_in_the_readme():
    assert [c for c in NEEDS_MORE if c not in README] == []


@pytest.mark.parametrize("document", WALKED)
def test_document_runs_as_written(document, runner, tmp_path, monkeypatch):
    """Every command of the document, in order, on a fresh store (as `make demo` fills one):
    none may fail, none may answer nothing."""
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "fresh.psikg"
    monkeypatch.setenv("PSIKG_STORE", str(store))
    monkeypatch.setenv("COLUMNS", "100")
    steps = list(walk(document))
    assert any(kind == "run" for kind, *_ in steps), f"{document} has no psikg command"
    if document == "README.md":  # the README's first lines: `make demo` loads the bundled network
        assert "make demo" in README
        steps.insert(0, ("run", ["load"], "psikg load  (make demo)"))
    for kind, target, content in steps:
        if kind == "write":
            path = tmp_path / target
            assert path.parent.is_dir(), f"{document}: {target} is written before its folder exists"
            path.write_text(content, encoding="utf-8")
            continue
        result = runner.invoke(cli, target, catch_exceptions=False)
        assert result.exit_code == 0, f"{document}: `{content}` exited {result.exit_code}:\n{result.output}"
        assert result.output.strip(), f"{document}: `{content}` printed nothing"
        assert "Traceback" not in result.output
