"""The embedded store's file: readable by SQLite tools, never trusted (issue 17).

Damaged, truncated, foreign, future and old-format (pickle) files give one clear StoreError, never
a traceback, and opening never runs code from the file; the catalog cache is checked against the
tables; ``psikg doctor`` reports integrity, schema version and orphan links."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import psikg
from psikg.cli import cli
from psikg.errors import StoreError
from psikg.graph.doctor import check_store
from psikg.graph.embedded import EmbeddedStore
from psikg.graph.sqlite_schema import cache_checksum

from .conftest import DATA


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "store.psikg"
    psikg.open(path).load([DATA / "minimal"], bundled=False)
    return path


@pytest.fixture
def copy(small_store, tmp_path):
    target = tmp_path / "copy.psikg"
    shutil.copy(small_store, target)
    return target


def _answers(path):
    """What a user reads from a store: counts, the catalog's practices, one node and its links."""
    store = EmbeddedStore(path)
    try:
        catalog = store.catalog()
        return (store.counts(), sorted(catalog.practices), store.node("practice", "one-stop"),
                store.neighbours("practice", "one-stop"))
    finally:
        store.close()


def test_store_is_a_sqlite_database_with_a_table_per_kind_and_relation(small_store):
    connection = sqlite3.connect(f"file:{small_store}?mode=ro", uri=True)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"practice", "country", "transfer", "practice_factors", "transfer_importer", "psikg_meta"} <= tables
    assert connection.execute("SELECT title FROM practice WHERE id = 'one-stop'").fetchone()[0]
    assert connection.execute("SELECT value FROM psikg_meta WHERE key = 'schema_version'").fetchone() == (1,)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_old_pickle_store_is_refused_and_never_unpickled(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "old.psikg"
    path.write_bytes(pickle.dumps({"format": "psikg-embedded/2"}, protocol=4) + pickle.dumps(Payload(), protocol=4))
    with pytest.raises(StoreError, match="old format.*psikg load --replace"):
        EmbeddedStore(path).catalog()
    with pytest.raises(StoreError, match="old format"):
        psikg.open(path).load([DATA / "minimal"], bundled=False)  # a merge needs the old content
    assert not marker.exists()
    psikg.open(path).load([DATA / "minimal"], bundled=False, replace=True)  # as the message says
    assert not marker.exists()
    assert "one-stop" in EmbeddedStore(path).catalog().practices


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_text("id,title\nx,y\n"), "not a SQLite database"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "truncated"),
    (lambda p: (p.unlink(), p.mkdir()), "not a regular file"),
])
def test_unreadable_files_are_one_store_error(copy, damage, message):
    damage(copy)
    with pytest.raises(StoreError, match=message):
        EmbeddedStore(copy).catalog()


def test_a_store_of_a_future_schema_is_refused(copy):
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE psikg_meta SET value = 99 WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="schema version 99, newer than this psikg reads"):
        EmbeddedStore(copy).catalog()
    assert check_store(copy).problems


def test_another_sqlite_database_is_not_a_store(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="not a psikg store"):
        EmbeddedStore(path).catalog()


def test_damaged_cache_is_rebuilt_from_the_tables(copy):
    expected = _answers(copy)
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE psikg_cache SET data = CAST('{\"version\": 1}' AS BLOB)")
    connection.commit()
    connection.close()
    assert any("checksum" in p for p in check_store(copy).problems)
    assert _answers(copy) == expected
    assert check_store(copy).ok  # the next open saved a good cache again


def test_a_cache_checked_by_sha256_is_rebuilt_once_and_its_column_renamed(copy, caplog):
    """Stores written before the CRC-32 name the checksum column sha256 and keep a SHA-256 in it:
    the doctor says so without calling it damage; the next open rebuilds the cache without a
    warning and renames the column; the open after that reads the cache."""
    import hashlib
    import logging

    expected = _answers(copy)
    connection = sqlite3.connect(copy)
    connection.execute("ALTER TABLE psikg_cache RENAME COLUMN checksum TO sha256")
    data = connection.execute("SELECT data FROM psikg_cache").fetchone()[0]
    connection.execute("UPDATE psikg_cache SET sha256 = ?", (hashlib.sha256(data).hexdigest(),))
    connection.commit()
    connection.close()
    report = check_store(copy)
    assert report.ok and any("older psikg" in note for note in report.notes)
    with caplog.at_level(logging.INFO, logger="psikg"):
        assert _answers(copy) == expected
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("rebuilding the catalog" in r.getMessage() for r in caplog.records)
    connection = sqlite3.connect(copy)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(psikg_cache)")]
    checksum, data = connection.execute("SELECT checksum, data FROM psikg_cache").fetchone()
    connection.close()
    assert columns == ["generation", "checksum", "data"] and checksum == cache_checksum(data)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="psikg"):
        assert _answers(copy) == expected
    assert not any("rebuilding" in r.getMessage() for r in caplog.records)
    assert any("matches the tables" in note for note in check_store(copy).notes)


def test_the_cache_checksum_tells_a_changed_byte():
    data = b'{"version":5}' * 100
    changed = data[:700] + b"X" + data[701:]
    assert cache_checksum(data) == cache_checksum(bytes(data)) != cache_checksum(changed)
    assert cache_checksum(data) != cache_checksum(data[:-1])


def test_a_cache_of_another_version_is_rebuilt_without_a_warning(copy, caplog):
    """An upgrade of psikg changes the cache's layout: the cache is rebuilt (logged as info), not
    reported as damaged."""
    import logging

    expected = _answers(copy)
    old = b'{"version":4,"sections":{},"statements":[],"practice_factors":[]}'
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE psikg_cache SET data = ?, checksum = ?", (old, cache_checksum(old)))
    connection.commit()
    connection.close()
    with caplog.at_level(logging.INFO, logger="psikg"):
        assert _answers(copy) == expected
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("version 4, not" in r.getMessage() for r in caplog.records)
    assert check_store(copy).ok


def test_the_cache_writes_a_repeated_value_once(bundled_store_path):
    """The sources that many statements name alike are written once in the cache and read back as
    one shared value."""
    import orjson

    from psikg.graph.catalog_cache import decode_catalog, encode_catalog

    catalog = EmbeddedStore(bundled_store_path).catalog()
    data = encode_catalog(catalog)
    sources, times = Counter(statement.sources for statement in catalog.statements).most_common(1)[0]
    assert times > 100 and data.count(orjson.dumps(list(sources))) == 1
    decoded = [s.sources for s in decode_catalog(data).statements if s.sources == sources]
    assert len(decoded) == times and len({id(found) for found in decoded}) == 1


def test_has_nodes_says_what_the_counts_say(bundled_store_path, tmp_path):
    """The one-statement check that a command's store is not empty agrees with the counts: no
    file, a new store, one node, the bundled network."""
    missing, new = EmbeddedStore(tmp_path / "missing.psikg"), EmbeddedStore(tmp_path / "new.psikg")
    new._open(create=True)
    assert not missing.has_nodes() and not new.has_nodes() and new.counts()["nodes"] == 0
    connection = sqlite3.connect(tmp_path / "new.psikg")
    connection.execute("INSERT INTO event (id) VALUES ('e1')")  # the last kind's table
    connection.commit()
    connection.close()
    assert EmbeddedStore(tmp_path / "new.psikg").has_nodes()
    assert EmbeddedStore(bundled_store_path).has_nodes() and EmbeddedStore(bundled_store_path).counts()["nodes"]


def test_an_edit_made_with_another_tool_makes_the_cache_stale(copy):
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE practice SET title = 'Edited in sqlite3' WHERE id = 'one-stop'")
    connection.commit()
    connection.close()
    assert EmbeddedStore(copy).catalog().practices["one-stop"].title == "Edited in sqlite3"


def test_a_whole_load_puts_back_the_triggers_it_leaves_out(copy):
    """A whole load writes without the generation triggers (it sets the generation itself); the
    store it leaves has every trigger a new store has, and an edit of a link table counts."""
    from psikg.graph.sqlite_schema import generation_triggers

    assert EmbeddedStore(copy).catalog().practices["one-stop"].themes  # from the cache the load wrote
    connection = sqlite3.connect(copy)
    stored = sorted(sql for (sql,) in connection.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'"))
    assert stored == sorted(generation_triggers())
    connection.execute("DELETE FROM practice_themes WHERE source = 'one-stop'")
    connection.commit()
    connection.close()
    assert EmbeddedStore(copy).catalog().practices["one-stop"].themes == ()


def test_doctor_reports_a_missing_trigger(copy):
    assert not any("trigger" in p for p in check_store(copy).problems)
    connection = sqlite3.connect(copy)
    connection.execute("DROP TRIGGER practice_update")
    connection.commit()
    connection.close()
    assert [p for p in check_store(copy).problems if "trigger" in p] == [
        "the trigger practice_update is missing: UPDATE statements on practice made with another tool would not "
        "mark the catalog cache stale; `psikg load --replace` with the store's sources writes a store with every "
        "trigger"]


def test_doctor_reports_orphan_links(copy, runner):
    assert runner.invoke(cli, ["--store", str(copy), "doctor"]).exit_code == 0
    connection = sqlite3.connect(copy)
    connection.execute("INSERT INTO transfer_importer (source, target_kind, target) VALUES ('ghost', 'country', 'XXX')")
    connection.commit()
    connection.close()
    report = check_store(copy)
    assert any("transfer/ghost" in p and "source is missing" in p for p in report.problems)
    assert any("country/XXX" in p and "target is missing" in p for p in report.problems)
    result = runner.invoke(cli, ["--store", str(copy), "doctor"])
    assert result.exit_code == 1 and "orphan link in transfer_importer" in result.output


def test_cli_on_a_damaged_store_says_so_without_a_traceback(copy, runner):
    copy.write_bytes(copy.read_bytes()[:3000])
    result = runner.invoke(cli, ["--store", str(copy), "match", "one-stop"])
    assert result.exit_code == 1
    assert "truncated" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


_DAMAGE = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(min_value=1, max_value=255)),
    st.tuples(st.just("truncate"), st.integers(min_value=0), st.just(0)),
    st.tuples(st.just("zero"), st.integers(min_value=0), st.integers(min_value=1, max_value=4096)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damages=st.lists(_DAMAGE, min_size=1, max_size=3))
def test_fuzz_damaged_store_gives_answers_or_one_store_error(small_store, tmp_path, damages):
    """Random damage to the file: the store answers, or says it is damaged; nothing else."""
    path = tmp_path / "fuzzed.psikg"
    data = bytearray(small_store.read_bytes())
    for how, where, value in damages:
        if not data:
            break
        where %= len(data)
        if how == "flip":
            data[where] ^= value
        elif how == "truncate":
            del data[where:]
        else:
            data[where:where + value] = bytes(len(data[where:where + value]))
    for leftover in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{leftover}"):
            os.unlink(f"{path}{leftover}")
    path.write_bytes(bytes(data))
    try:
        _answers(path)
    except StoreError as error:
        assert str(path) in str(error)
    check_store(path)  # the doctor never fails either


def _same_catalog(one, two) -> None:
    for name in ("countries", "factors", "themes", "practices", "needs", "transfers", "organizations", "networks",
                 "events", "goals", "targets"):
        assert getattr(one, name) == getattr(two, name), name
    assert sorted(one.statements, key=repr) == sorted(two.statements, key=repr)


def test_cached_catalog_equals_the_catalog_read_from_the_tables(bundled_store_path, tmp_path):
    """After a whole load (catalog made from the batch) and after a merge (read from the tables)."""
    from psikg.graph.catalog import catalog_from_store

    store = EmbeddedStore(bundled_store_path)
    _same_catalog(store.catalog(), catalog_from_store(store))
    store.close()
    copy = tmp_path / "merged.psikg"
    shutil.copy(bundled_store_path, copy)
    psikg.open(copy).load([DATA / "minimal"], bundled=False)
    reopened = EmbeddedStore(copy)
    _same_catalog(reopened.catalog(), catalog_from_store(reopened))
    assert "one-stop" in reopened.catalog().practices
    reopened.close()


def test_the_catalog_cache_is_the_json_the_json_module_writes(bundled_store_path):
    """orjson writes the cache: the same bytes as ``json.dumps`` with the cache's options, and
    they read back to the same catalog."""
    import json

    from psikg.graph.catalog_cache import decode_catalog, encode_catalog

    catalog = EmbeddedStore(bundled_store_path).catalog()
    data = encode_catalog(catalog)
    assert data == json.dumps(json.loads(data), ensure_ascii=False, separators=(",", ":"),
                              allow_nan=False).encode("utf-8")
    assert "ü".encode() in data or "é".encode() in data  # names written as UTF-8, not escaped
    again = decode_catalog(data)
    _same_catalog(again, catalog)
    assert again.statements == catalog.statements  # in order: of two statements tied by date, the later counts


def test_a_store_that_does_not_exist_reads_as_an_empty_catalog(tmp_path):
    """Reading never creates the file: no file is an empty graph, and the file is still not there."""
    path = tmp_path / "none.psikg"
    catalog = EmbeddedStore(path).catalog()
    assert not catalog.practices and not catalog.countries and not catalog.statements
    assert not path.exists()
