"""Only app/engine/ touches SpiffWorkflow (ARCHITECTURE.md "Second wave"): every other module
asks the engine, so an upgrade of SpiffWorkflow changes one package."""
import ast

from tests.conftest import ROOT


def _imports_spiff(path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(name.split(".")[0] == "SpiffWorkflow" for name in names):
            return True
    return False


def test_spiffworkflow_is_imported_only_inside_app_engine():
    app = ROOT / "app"
    outside = [str(p.relative_to(ROOT)) for p in app.rglob("*.py")
               if "engine" not in p.relative_to(app).parts[:1] and _imports_spiff(p)]
    assert outside == []
    assert any(_imports_spiff(p) for p in (app / "engine").rglob("*.py"))  # the check sees imports
