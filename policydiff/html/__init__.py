"""HTML output: the redline and the archive as self-contained web pages (no I/O, no XML parsing)."""
