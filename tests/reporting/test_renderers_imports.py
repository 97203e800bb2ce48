"""The report's renderers are handed the report and read nothing from the database: they
import no `models` module (the import-linter contract in pyproject.toml holds that, directly or
through another module) and nothing of `django.db`, which import-linter cannot name (it sees
only an external package's top level), so it is checked here."""

import ast
from pathlib import Path

import safeguard.reporting.renderers

RENDERERS = Path(safeguard.reporting.renderers.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            modules.add(module)
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def test_the_renderers_import_nothing_of_the_database():
    found = {
        f"{path.name}: {module}"
        for path in sorted(RENDERERS.glob("*.py"))
        for module in _imported_modules(path)
        if module == "django.db"
        or module.startswith("django.db.")
        or module.rsplit(".", 1)[-1] == "models"
    }
    assert found == set()
