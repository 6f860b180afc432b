"""The README is a newcomer's first page: every file or folder it names is in this repository (nothing
beside the checkout), and the commands it gives exist in the Makefile."""

import re

from django.conf import settings

README = (settings.BASE_DIR / "README.md").read_text()
LINK = re.compile(r"\]\(([^)#\s]+)")
QUOTED_PATH = re.compile(r"`((?:\.\./)*[\w.-]+/[\w./*-]*)`")
TOP_LEVEL = {entry.name for entry in settings.BASE_DIR.iterdir()} - {".venv", "node_modules"}


def named_paths() -> set[str]:
    """Links, and quoted paths from the top of the repository (or above it); a table's `views/` beside
    `spine/` is relative to its row and left out."""
    paths = {link for link in LINK.findall(README) if "://" not in link}
    for path in QUOTED_PATH.findall(README):
        if path.startswith("..") or path.split("/")[0] in TOP_LEVEL:
            paths.add(path)
    return paths


def test_the_readme_names_no_file_outside_the_repository():
    outside = sorted(path for path in named_paths() if path.startswith("..") or "/../" in path)
    assert outside == []


def test_every_file_the_readme_names_exists():
    assert "docs/architecture.md" in named_paths()
    missing = []
    for path in named_paths():
        if "*" in path:
            continue
        candidates = [settings.BASE_DIR / path, settings.BASE_DIR / path.replace(".py", "")]
        if not any(candidate.exists() for candidate in candidates):
            missing.append(path)
    assert missing == [], f"The README names what is not in the repository: {sorted(missing)}"


def test_the_make_targets_the_readme_gives_exist():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    named = set(re.findall(r"`make ([\w-]+)", README))
    assert {"run", "test"} <= named
    assert named - targets == set()
