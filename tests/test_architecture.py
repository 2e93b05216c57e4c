"""The layering the code promises: models hold data, steps do the writes, so models import no step module."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "fazhi"
# Modules that import the app's models (directly or through each other): models.py may import none of them.
WRITERS = {"rules", "actions", "importers", "ledgers", "views", "sync", "demo", "invariants", "api", "metrics"}


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, as a dotted name relative to fazhi."""
    app = path.parent.name
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = f"{app}.{node.module}" if node.module else app
                found |= {base} if node.module else {f"{app}.{alias.name}" for alias in node.names}
            elif node.module and node.module.startswith("fazhi."):
                found.add(node.module.removeprefix("fazhi."))
                found |= {f"{node.module.removeprefix('fazhi.')}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("fazhi.") for alias in node.names if alias.name.startswith("fazhi.")}
    return found


@pytest.mark.parametrize("models", sorted(SRC.glob("*/models.py")), ids=lambda p: p.parent.name)
def test_models_import_no_step_module(models):
    app = models.parent.name
    forbidden = sorted(
        name
        for name in imported_modules(models)
        if name.split(".")[0] == app and len(name.split(".")) > 1 and name.split(".")[1] in WRITERS
    )
    assert forbidden == [], f"{app}/models.py imports {forbidden}: move the computation to a module without models"


def test_packages_import_only_from_the_layers_below_them():
    """The layers of docs/architecture.md, as the import-linter contract in pyproject.toml states them."""
    root = SRC.parent.parent
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(root / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(SRC.parent)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
