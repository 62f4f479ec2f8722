"""Where the repository is, for tests in any folder of tests/."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
