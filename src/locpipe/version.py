"""locpipe's version, in a module of its own: every stage may name it without importing the
package face (which would load the Markdown parser)."""

__version__ = "0.1.0"
