"""Where the repository is, for tests in any folder of tests/, and its scripts as modules."""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def script(path: Path, name: str):
    """A script of the repository (scripts/ is not a package) as a module, loaded once under
    ``name`` and registered in sys.modules (its dataclasses look their module up there)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
