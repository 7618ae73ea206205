"""The chart page's ES modules as one classic script, for the standalone HTML file.

A saved file opened from disk (``file://``) cannot import modules, so each module becomes a
function scope whose exports are returned, in dependency order. The modules keep to a small
subset this understands (and ``test_page_script`` checks): one-line ``import { a, b } from
"./x.js";`` and ``export`` before ``function``, ``async function``, ``const`` or ``class``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "static" / "js"
ENTRY = "main.js"
IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+\.js)";\s*$', re.MULTILINE)
EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function|const|class)\s+(\w+)", re.MULTILINE)


class PageScriptError(RuntimeError):
    """A module uses a form the bundler does not understand."""


def _variable(module: str) -> str:
    return "__sc_" + re.sub(r"\W", "_", module.removesuffix(".js"))


def _imports(source: str) -> list[tuple[str, list[str]]]:
    return [
        (module, [name.strip() for name in names.split(",") if name.strip()])
        for names, module in IMPORT.findall(source)
    ]


def _order(folder: Path, entry: str) -> list[str]:
    """Modules in an order where each comes after those it imports."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(module: str) -> None:
        if module in ordered:
            return
        if module in visiting:
            raise PageScriptError(f"import cycle through {module}")
        visiting.add(module)
        for dependency, _ in _imports((folder / module).read_text()):
            visit(dependency)
        visiting.discard(module)
        ordered.append(module)

    visit(entry)
    return ordered


def _wrap(module: str, source: str) -> str:
    lines = []
    for dependency, names in _imports(source):
        bindings = ", ".join(name.replace(" as ", ": ") for name in names)
        lines.append(f"const {{ {bindings} }} = {_variable(dependency)};")
    body = IMPORT.sub("", source)
    exported = EXPORT.findall(body)
    body = re.sub(r"^export\s+", "", body, flags=re.MULTILINE)
    if re.search(r"^\s*(import|export)\b", body, re.MULTILINE):
        raise PageScriptError(f"{module}: an import or export form the bundler does not know")
    names = ", ".join(exported)
    return (
        f'// ---- {module}\nconst {_variable(module)} = (() => {{\n"use strict";\n'
        + "\n".join(lines)
        + f"\n{body}\nreturn {{ {names} }};\n}})();\n"
    )


@lru_cache(maxsize=1)
def page_script(folder: Path = JS_DIR, entry: str = ENTRY) -> str:
    """Every module reachable from ``entry``, as one script."""
    parts = [_wrap(module, (folder / module).read_text()) for module in _order(folder, entry)]
    return "".join(parts)


@lru_cache(maxsize=1)
def page_modules(folder: Path = JS_DIR, entry: str = ENTRY) -> tuple[str, ...]:
    """Every module reachable from ``entry``, imports first: the hosted page preloads them all
    at once (``<link rel="modulepreload">``) instead of finding them one import level at a time."""
    return tuple(_order(folder, entry))
