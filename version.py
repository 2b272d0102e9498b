"""psikg's version, in a module of its own so that any layer may quote it without importing the
package's entry point (:func:`psikg.open`, which reaches up to the Python API)."""

__version__ = "0.1.0"
