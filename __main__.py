"""The ``psikg`` program (and ``python -m psikg``): the process is set up before anything heavy is
imported, then the command line runs (:mod:`psikg.cli`).

The cyclic garbage collector runs after every 700 objects made (Python's default). A command makes
tens of thousands that live until it ends (modules, the catalog): at 700 the collector scanned them
62 times in a ``psikg match``, 6 ms of 160, and freed nothing. The program raises the threshold to
50,000 before click and psikg are imported, so that their objects are counted too. Cycles are still
collected. Only the program's own process is set so: code that imports :mod:`psikg.cli` (tests,
other programs) keeps its own collector settings.
"""

from __future__ import annotations

import gc

__all__ = ["main", "YOUNG_GENERATION_THRESHOLD"]

#: Objects made between two collections of the collector's youngest generation, in the program.
YOUNG_GENERATION_THRESHOLD = 50_000


def main() -> None:
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
    from .cli import main as run_command_line

    run_command_line()


if __name__ == "__main__":
    main()
