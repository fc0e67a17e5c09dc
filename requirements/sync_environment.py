"""Write the exact versions of requirements/lock.txt into environment.yml (run by `make lock`).

Every dependency of pyproject.toml (library, book, test) is pinned in environment.yml to the
version the lock file holds; tests/test_packaging.py checks that the three agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def name_of(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9_.\-]+)", requirement)[1]).lower()


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[name_of(match[1])] = match[2]
    return pins


def main() -> None:
    pins = locked()
    path = ROOT / "environment.yml"
    lines = []
    for line in path.read_text().splitlines():
        match = re.match(r"^(\s*-\s+)([A-Za-z0-9_.\-]+)([<>=!~,.\w]*)\s*$", line)
        if match and name_of(match[2]) in pins and name_of(match[2]) != "pip":
            pip = line.startswith("      ")  # entries under `pip:` use pip's ==
            line = f"{match[1]}{match[2]}{'==' if pip else '='}{pins[name_of(match[2])]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
