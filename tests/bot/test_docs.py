"""The README stays a page a newcomer reads in five minutes, and no link in it or in docs/ is broken.

Also checks the README's facts that go stale without anyone noticing: every `make X` it names is a
target of the Makefile, and every `python -m <module>` of this repository names a module that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_MAX_BYTES = 10_000

FENCED = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target "title") and ![alt](target); the target may be wrapped in <...>.
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HTML_LINK = re.compile(r"<(?:a|img|source)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)

MAKE_COMMAND = re.compile(r"\bmake ([a-z][a-z0-9-]*)")
MAKE_TARGET = re.compile(r"^([a-z][a-z0-9-]*)\s*:(?!=)", re.MULTILINE)
PYTHON_MODULE = re.compile(r"\bpython3?(?:\.\d+)? -m ([A-Za-z_][\w.]*)")
OUR_PACKAGES = {"bot", "actions", "deploy", "benchmarks", "tests"}


def code(text: str) -> str:
    """Only the code blocks and inline code: where commands are shown."""
    return "\n".join(m.group(0) for m in FENCED.finditer(text)) + "\n" + "\n".join(INLINE_CODE.findall(text))


def prose(text: str) -> str:
    """The text without code blocks and inline code: a `[x](y)` there is an example, not a link."""
    return INLINE_CODE.sub("", FENCED.sub("", text))


def relative_links(text: str) -> list[str]:
    """Every link target in the Markdown that points into the repository (no scheme; `#x` is this file)."""
    body = prose(text)
    targets = INLINE_LINK.findall(body) + REFERENCE_LINK.findall(body) + HTML_LINK.findall(body)
    return [t for t in targets if not EXTERNAL.match(t)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|__", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a Markdown text's headings (a repeated heading gets -1, -2...)."""
    found: set[str] = set()
    for heading in HEADING.findall(FENCED.sub("", text)):
        base = slug(heading)
        name, n = base, 0
        while name in found:
            n += 1
            name = f"{base}-{n}"
        found.add(name)
    return found


def link_problem(document: Path, target: str) -> str | None:
    """Why `target`, linked from `document`, does not resolve to a file or folder of the repository,
    or, for a Markdown file with a #fragment, to one of its headings."""
    path, _, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        resolved = document
    else:
        resolved = (ROOT / path.lstrip("/")) if path.startswith("/") else (document.parent / path)
        resolved = resolved.resolve()
    if ROOT not in resolved.parents and resolved != ROOT:
        return f"{target} leaves the repository"
    if not resolved.exists():
        return f"{target} does not exist ({resolved.relative_to(ROOT)})"
    if fragment and resolved.suffix == ".md" and fragment not in anchors(resolved.read_text(encoding="utf-8")):
        return f"{target}: {resolved.relative_to(ROOT)} has no heading #{fragment}"
    return None


def test_readme_is_under_ten_kilobytes() -> None:
    size = len(README.read_bytes())
    assert size < README_MAX_BYTES, f"README.md is {size} bytes; move detail to docs/ (limit {README_MAX_BYTES})"


def test_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    for command in ("make run", "make test"):
        assert re.search(rf"(?m)^\s*{command}(\s|$)", text) or f"`{command}`" in text, (
            f"README.md does not show `{command}`"
        )


@pytest.mark.parametrize("document", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    problems = [p for t in relative_links(document.read_text(encoding="utf-8")) if (p := link_problem(document, t))]
    assert not problems, f"{document.relative_to(ROOT)}: " + "; ".join(problems)


def test_the_readme_links_to_every_docs_page() -> None:
    linked = {(README.parent / t.split("#", 1)[0]).resolve() for t in relative_links(README.read_text(encoding="utf-8"))}
    missing = [p.name for p in DOCS if p.resolve() not in linked]
    assert not missing, f"README.md does not link to docs/{', docs/'.join(missing)}"


def test_every_make_command_in_the_readme_is_a_target() -> None:
    targets = set(MAKE_TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    named = set(MAKE_COMMAND.findall(code(README.read_text(encoding="utf-8"))))
    assert named, "README.md names no make target"
    assert not named - targets, f"README.md names make targets the Makefile lacks: {sorted(named - targets)}"


@pytest.mark.parametrize("document", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_module_named_exists(document: Path) -> None:
    missing = []
    for module in set(PYTHON_MODULE.findall(document.read_text(encoding="utf-8"))):
        if module.split(".")[0] not in OUR_PACKAGES:
            continue  # pytest, pip, venv...
        base = ROOT.joinpath(*module.split("."))
        if not (base.with_suffix(".py").exists() or (base / "__init__.py").exists()):
            missing.append(module)
    assert not missing, f"{document.relative_to(ROOT)} runs modules that do not exist: {sorted(missing)}"


# --- the checker itself ---------------------------------------------------------------------------------------

def test_links_are_found_in_every_form_and_code_is_not_read() -> None:
    text = (
        "See [ops](docs/operations.md#nginx), ![shot](docs/a.png \"title\"), <img src=\"docs/b.png\" alt=\"\">,\n"
        "[web](https://example.org), [top](#tests), <http://localhost:8000/> and `[not](a link)`.\n"
        "[ref]: docs/c.md\n"
        "```\n[inside](a/code/block.md)\n```\n"
    )
    assert sorted(relative_links(text)) == ["#tests", "docs/a.png", "docs/b.png", "docs/c.md", "docs/operations.md#nginx"]


def test_a_missing_file_or_a_path_out_of_the_repository_is_a_problem() -> None:
    assert link_problem(README, "docs/operations.md#nginx") is None
    assert "does not exist" in (link_problem(README, "docs/no-such-page.md") or "")
    assert "leaves the repository" in (link_problem(README, "../outside.md") or "")
    assert "has no heading" in (link_problem(README, "docs/operations.md#no-such-heading") or "")
    assert "has no heading" in (link_problem(README, "#no-such-heading") or "")


def test_anchors_are_githubs() -> None:
    text = "# Title\n## nginx: what the public may reach\n### `make bench`\n## Notes\n## Notes\n```\n# not a heading\n```\n"
    assert anchors(text) == {"title", "nginx-what-the-public-may-reach", "make-bench", "notes", "notes-1"}
