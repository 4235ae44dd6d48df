"""The layering, checked over every module of the package (no hand-kept list).

Each layer may import only from itself and the layers below it, in the order the README draws:
schema < store < ingestion < models < quality < exporting < widgets. Nothing below ``widgets``
loads the widget stack. Both checks run in a fresh interpreter, so nothing a test imported earlier
hides a dependency.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import labelwidgets as lw

LAYERS = ["schema", "store", "ingestion", "models", "quality", "exporting", "widgets"]
WIDGET_STACK = ("anywidget", "ipywidgets", "traitlets", "IPython")
# Shared by every layer: the package root (lazy re-exports only) and its warning class.
SHARED = {"labelwidgets", "labelwidgets._warnings"}


def all_modules() -> list[str]:
    found = [
        info.name
        for info in pkgutil.walk_packages(lw.__path__, prefix="labelwidgets.")
        if not info.name.endswith("__main__")
    ]
    return sorted(found)


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def run_fresh(code: str) -> object:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_every_module_lives_in_a_layer() -> None:
    homeless = [m for m in all_modules() if layer_of(m) is None and m not in SHARED]
    assert homeless == []
    assert {layer_of(m) for m in all_modules()} - {None} == set(LAYERS)


def imports_of(module: str) -> set[str]:
    """Every labelwidgets module a module's source names, function-local imports included."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("labelwidgets")}


def test_no_module_names_a_layer_above_its_own() -> None:
    upward = [
        f"{module} -> {other}"
        for module in all_modules()
        if (own := layer_of(module)) is not None
        for other in sorted(imports_of(module))
        if (theirs := layer_of(other)) is not None and LAYERS.index(theirs) > LAYERS.index(own)
    ]
    assert upward == []


def test_importing_a_layer_loads_nothing_above_it() -> None:
    modules = all_modules()
    code = """
import importlib, json, sys
layers, modules = {layers!r}, {modules!r}
def layer(m):
    parts = m.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in layers else None
for m in modules:
    if layer(m) in layers[: {rank} + 1]:
        importlib.import_module(m)
print(json.dumps(sorted(m for m in sys.modules if layer(m) in layers[{rank} + 1 :])))
"""
    for rank, name in enumerate(LAYERS[:-1]):
        loaded = run_fresh(code.format(layers=LAYERS, modules=modules, rank=rank))
        assert (name, loaded) == (name, [])


def test_nothing_below_widgets_loads_the_widget_stack() -> None:
    below = [m for m in all_modules() if layer_of(m) != "widgets"]
    code = (
        "import importlib, json, sys\n"
        f"for m in {below!r}: importlib.import_module(m)\n"
        f"print(json.dumps(sorted(m for m in {WIDGET_STACK!r} if m in sys.modules)))\n"
    )
    assert run_fresh(code) == []


def test_every_public_name_resolves_to_what_it_names() -> None:
    code = (
        "import json, labelwidgets as lw\n"
        "print(json.dumps({n: type(getattr(lw, n)).__name__ for n in lw.__all__}))\n"
    )
    kinds = run_fresh(code)
    assert isinstance(kinds, dict)
    functions = ["ingest", "export", "prelabel", "prompt_report"]
    assert {n: kinds[n] for n in functions} == dict.fromkeys(functions, "function")
    modules = ["validators", "chunkers", "filters", "samples", "compare", "review", "agreement"]
    assert {n: kinds[n] for n in modules} == dict.fromkeys(modules, "module")
    assert kinds["quality"] == kinds["models"] == kinds["store"] == "module"


def test_ruff_bans_the_widget_stack_outside_widgets() -> None:
    """The same rule at lint time, so an editor flags the import before any test runs."""
    probe = "".join(f"import {name}\n" for name in WIDGET_STACK)

    def banned(path: str) -> list[str]:
        lint = ["check", "--select", "TID251", "--output-format", "json", "--stdin-filename", path]
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *lint, "-"],
            input=probe,
            capture_output=True,
            text=True,
            cwd=Path(lw.__file__).parents[1],
        )
        return sorted(problem["message"].split("`")[1] for problem in json.loads(result.stdout))

    for layer in LAYERS[:-1]:
        assert (layer, banned(f"labelwidgets/{layer}/probe.py")) == (layer, sorted(WIDGET_STACK))
    assert banned("labelwidgets/probe.py") == sorted(WIDGET_STACK)
    assert banned("labelwidgets/widgets/probe.py") == []
    assert banned("tests/widgets/probe.py") == []
