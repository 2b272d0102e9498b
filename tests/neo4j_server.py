"""Start and stop the Neo4j Community server of ``tests/neo4j`` (Neo4jLauncher) from Python: for the
test fixtures and the push benchmark. Nothing here needs pytest.

The launcher is built with Maven on first use (offline when the local cache has Neo4j's jars), then
run with a JDK new enough for the version: 17+ for 5.x, 21+ for the calendar-versioned releases.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from pathlib import Path

__all__ = ["NEO4J_DEFAULT_VERSION", "NEO4J_TEST_PASSWORD", "QUICK_START", "Neo4jUnavailable", "start_neo4j",
           "stop_neo4j"]


class Neo4jUnavailable(Exception):
    """This machine cannot run the requested Neo4j (no Java, no Maven, no JDK new enough)."""


NEO4J_LAUNCHER = Path(__file__).resolve().parent / "neo4j"
#: The Neo4j the tests start: 5.26 LTS (Java 17+) unless PSIKG_NEO4J_VERSION names another (a 2025.x
#: or later release needs Java 21+: JAVA_HOME, or the newest JDK found under /usr/lib/jvm).
NEO4J_DEFAULT_VERSION = "5.26.30"
NEO4J_TEST_PASSWORD = "psikg-test-password"


def _java_major(java_home: Path) -> int:
    """The major version a JDK's ``release`` file states (0 when unreadable)."""
    try:
        text = (java_home / "release").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("JAVA_VERSION="):
            return int(line.split("=", 1)[1].strip('"').split(".")[0])
    return 0


def _java_home_for(version: str) -> Path | None:
    """A JDK that runs ``version``: Java 17+ for 5.x, Java 21+ for the calendar-versioned releases.
    ``JAVA_HOME`` first, then the ``java`` on the PATH, then the newest JDK under /usr/lib/jvm."""
    needed = 17 if version.startswith("5.") else 21
    candidates = [Path(os.environ["JAVA_HOME"])] if os.environ.get("JAVA_HOME") else []
    java = shutil.which("java")
    if java:
        candidates.append(Path(java).resolve().parents[1])
    candidates += sorted(Path("/usr/lib/jvm").glob("*"), key=_java_major, reverse=True)
    return next((home for home in candidates if _java_major(home) >= needed), None)


def _launcher_classpath(version: str, java_home: Path) -> str:
    """Build the launcher with Maven (offline when its cache has everything) and return its
    classpath; a build that is newer than its sources and whose jars are cached is reused."""
    target = NEO4J_LAUNCHER / "target" / version
    listing = target / "classpath.txt"
    sources = [NEO4J_LAUNCHER / "pom.xml", *NEO4J_LAUNCHER.glob("src/**/*.java")]
    if listing.exists() and all(listing.stat().st_mtime > source.stat().st_mtime for source in sources):
        jars = listing.read_text().strip().split(os.pathsep)
        if all(Path(jar).exists() for jar in jars):
            return os.pathsep.join([str(target / "classes"), *jars])
    command = ["mvn", "-q", "-B", "package", f"-Dneo4j.version={version}"]
    environment = dict(os.environ, JAVA_HOME=str(java_home))
    built = subprocess.run(command[:1] + ["-o"] + command[1:], cwd=NEO4J_LAUNCHER, env=environment,
                           capture_output=True, text=True)
    if built.returncode != 0:  # the first build downloads Neo4j's jars into ~/.m2
        built = subprocess.run(command, cwd=NEO4J_LAUNCHER, env=environment, capture_output=True, text=True)
    if built.returncode != 0:
        raise RuntimeError(f"cannot build the Neo4j launcher ({' '.join(command)} in {NEO4J_LAUNCHER}):\n"
                    f"{(built.stdout + built.stderr)[-3000:]}")
    return os.pathsep.join([str(target / "classes"), listing.read_text().strip()])


#: JVM options for a quick start (the tests): the client compiler only and the serial collector.
#: A benchmark passes ``()`` to let the JIT reach full speed.
QUICK_START = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def start_neo4j(version: str, log_path: Path, timeout: float = 180, jvm_options: tuple[str, ...] = QUICK_START):
    """Start the launcher; ``(process, uri)`` once it prints the URI. The process stops when its
    standard input closes (see ``Neo4jLauncher``)."""
    if shutil.which("mvn") is None:
        raise Neo4jUnavailable("Maven (mvn) is not installed: the Neo4j launcher cannot be built")
    java_home = _java_home_for(version)
    if java_home is None:
        raise Neo4jUnavailable(f"no JDK new enough for Neo4j {version} (17+ for 5.x, 21+ for 2025.x and "
                                "later; set JAVA_HOME)")
    classpath = _launcher_classpath(version, java_home)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(java_home / "bin" / "java"), "-Xms256m", "-Xmx1g", *jvm_options, "-cp", classpath,
             "org.psikg.neo4j.Neo4jLauncher", "--password", NEO4J_TEST_PASSWORD],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = process.stdout.readline() if ready else b""
        if line.startswith(b"NEO4J_URI="):
            return process, line.decode().strip().split("=", 1)[1]
    stop_neo4j(process)
    raise RuntimeError(f"Neo4j {version} did not start within {timeout} s: {log_path.read_text()[-3000:]}")


def stop_neo4j(process) -> None:
    """Close the launcher's input (it shuts Neo4j down and deletes its data), then wait."""
    if process.stdin:
        process.stdin.close()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()
