"""policydiff: Thai policy drafts as clauses, redlines as native Word tracked changes."""

__version__ = "0.1.0"
