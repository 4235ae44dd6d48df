"""The shape rules of the code base, grep-able: small modules and functions, one door to tasks,
and the formatter owns the layout.

- No ``store._task`` outside ``labelwidgets/store/``: tasks are read with ``store.task(...)`` and
  written only by ``store.add_task``.
- No module in ``labelwidgets/`` over 450 lines.
- No Python function over 80 lines of code (docstring, blank and comment-only lines aside), in the
  package and in the tests.
- No JS function over 80 lines of code in ``js/`` (function declarations, arrow functions and
  methods, found by a brace-matching scan that skips strings, templates and comments).
- No formatter skip markers (``fmt`` + ``skip``) in ``labelwidgets/`` or ``tests/``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
PACKAGE = ROOT / "labelwidgets"
PRIVATE_TASK = re.compile(r"\._task\(|store\._task\b")
FMT_SKIP = "fmt: " + "skip"  # spelled apart so this file does not match itself


def python_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py") if ".venv" not in p.parts)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_private_task_lookup_outside_the_store() -> None:
    texts = [*python_files(PACKAGE, ROOT / "tests"), *sorted((ROOT / "notebooks").glob("*.ipynb"))]
    texts += [ROOT / "README.md"]
    found = [
        f"{relative(path)}:{number}: {line.strip()}"
        for path in texts
        if not path.is_relative_to(PACKAGE / "store") and path != Path(__file__)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PRIVATE_TASK.search(line)
    ]
    assert found == [], "use store.task(...) (reads) or store.add_task(task) (writes)"


def test_no_module_is_over_450_lines() -> None:
    long = {
        relative(path): n
        for path in python_files(PACKAGE)
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def code_lines(source: list[str], first: int, last: int, skip: set[int]) -> int:
    """Lines ``first``..``last`` (1-based) that hold code: not blank, not only a comment."""
    return sum(
        1
        for number in range(first, last + 1)
        if number not in skip and (line := source[number - 1].strip()) and not line.startswith("#")
    )


def docstring_lines(node: ast.AST) -> set[int]:
    body = getattr(node, "body", [])
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return set(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return set()


def python_functions(path: Path) -> Iterator[tuple[str, int, int]]:
    """``(name, line, lines of code)`` of every function and method in ``path``."""
    source = path.read_text()
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            last = node.end_lineno or node.lineno
            yield node.name, node.lineno, code_lines(lines, first, last, docstring_lines(node))


def test_no_python_function_is_over_80_lines_of_code() -> None:
    long = {
        f"{relative(path)}:{line} {name}": n
        for path in python_files(PACKAGE, ROOT / "tests")
        for name, line, n in python_functions(path)
        if n > MAX_FUNCTION_LINES
    }
    assert long == {}


def test_the_function_counter_counts_code_only(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    body = "".join(f"    x{i} = {i}\n" for i in range(81))
    sample.write_text(
        'def long():\n    """Doc.\n\n    More doc.\n    """\n    # why\n\n' + body + "\n"
        "def short():\n    return 1\n"
    )
    assert dict((name, n) for name, _, n in python_functions(sample)) == {"long": 82, "short": 2}


# -- JavaScript -----------------------------------------------------------------------------------
JS_KEYWORDS = {"if", "for", "while", "switch", "catch", "function", "return", "with"}
JS_STARTS = [
    re.compile(r"\bfunction\b\s*\*?\s*([\w$]*)\s*\("),  # declarations and expressions
    re.compile(r"([\w$]+)\s*[:=]\s*(?:async\s+)?(?:\([^()]*\)|[\w$]+)\s*=>\s*\{"),  # arrows
    re.compile(
        r"^\s*(?:static\s+|async\s+|get\s+|set\s+)*([\w$]+)\s*\([^;]*\)\s*\{\s*$"
    ),  # methods
]


def blank_strings_and_comments(text: str, *, strings: bool = True) -> str:
    """``text`` with comments (and, with ``strings``, strings and templates) replaced by spaces,
    line breaks kept: the braces left are code braces."""
    out, i, n = [], 0, len(text)
    while i < n:
        c, nxt = text[i], text[i + 1 : i + 2]
        if c == "/" and nxt == "/":
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif c == "/" and nxt == "*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif c in "'\"`":
            end = i + 1
            while end < n and text[end] != c:
                end += 2 if text[end] == "\\" else 1
            end += 1
            if not strings:
                out.append(text[i:end])
                i = end
                continue
        else:
            out.append(c)
            i += 1
            continue
        out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
        i = end
    return "".join(out)


def js_functions(path: Path) -> Iterator[tuple[str, int, int]]:
    """``(name, line, lines of code)`` of every function, arrow function with a body and method."""
    uncommented = blank_strings_and_comments(path.read_text(), strings=False).splitlines()
    code = blank_strings_and_comments(path.read_text()).splitlines()
    for number, line in enumerate(code, start=1):
        for pattern in JS_STARTS:
            match = pattern.search(line)
            if match is None or match.group(1) in JS_KEYWORDS:
                continue
            last = closing_line(code, number, body_brace(line, match))
            if last is not None:
                counted = code_lines(uncommented, number, last, set())
                yield match.group(1) or "(anonymous)", number, counted
            break


def body_brace(line: str, match: re.Match[str]) -> int:
    """The column of the ``{`` opening the function's body (not one in its parameters)."""
    if match.group(0).rstrip().endswith("{"):  # arrows and methods: the match ends with it
        return line.rfind("{", 0, match.end())
    depth = 0
    for column in range(match.end() - 1, len(line)):  # from the parameters' "("
        depth += line[column] == "("
        depth -= line[column] == ")"
        if depth == 0:
            return line.find("{", column)
    return -1


def closing_line(code: list[str], number: int, column: int) -> int | None:
    """The line of the brace that closes the one at ``code[number - 1][column]``."""
    if column < 0:
        return None
    depth = 0
    for index in range(number - 1, len(code)):
        text = code[index][column:] if index == number - 1 else code[index]
        for char in text:
            depth += char == "{"
            depth -= char == "}"
            if depth == 0:
                return index + 1
    return None


def js_files() -> list[Path]:
    return sorted(p for p in (ROOT / "js").rglob("*.js") if "node_modules" not in p.parts)


def test_no_js_function_is_over_80_lines_of_code() -> None:
    assert js_files()
    long = {
        f"{relative(path)}:{line} {name}": n
        for path in js_files()
        for name, line, n in js_functions(path)
        if n > MAX_FUNCTION_LINES
    }
    assert long == {}


def test_the_js_scan_finds_each_kind_of_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.js"
    sample.write_text(
        "export function draw(a) {\n  const s = '}'; // }\n  return `${a}}`;\n}\n"
        "const onKey = (event) => {\n  /* { */\n  go(event);\n};\n"
        "class View {\n  render({ model }) {\n    if (x) { y(); }\n  }\n}\n"
        "function f({ a, b }) {\n  return a;\n}\n"
    )
    assert [(name, n) for name, _, n in js_functions(sample)] == [
        ("draw", 4),
        ("onKey", 3),
        ("render", 3),
        ("f", 3),
    ]


def test_the_formatter_owns_the_layout() -> None:
    found = [
        f"{relative(path)}:{number}"
        for path in python_files(PACKAGE, ROOT / "tests")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if FMT_SKIP in line
    ]
    assert found == []
