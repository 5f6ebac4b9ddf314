"""Is TeX installed for ``make pdf``? If not, name the Debian packages to install.

``make pdf`` runs this first (``python -m edition_tools.ext.tex_installation``), so
that a machine without TeX gets one line to run instead of a LaTeX error, and
the PDF tests use it to decide whether to skip. The packages are those of
``.ci/debian-packages.txt``, which CI installs with ``.ci/run`` and the README
gives as the same ``apt-get install`` line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from edition_tools.core.article import ROOT

#: The Debian packages the whole test suite needs, one a line.
PACKAGES_FILE = ROOT / ".ci" / "debian-packages.txt"

#: Programs the PDF build runs: latexmk drives XeLaTeX and makeindex.
PROGRAMS = ("latexmk", "xelatex", "makeindex")

#: Sphinx's default fonts for XeLaTeX (GNU FreeFont): fontspec stops without them.
FONTS = ("FreeSerif.otf", "FreeSans.otf", "FreeMono.otf")

#: Where fontconfig, and so XeLaTeX, finds fonts on a Debian-like system.
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
             Path.home() / ".local" / "share" / "fonts")


def debian_packages(path: Path = PACKAGES_FILE) -> list[str]:
    """Return the package names listed in ``path`` (comments and blanks skipped)."""
    names: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def install_command(path: Path = PACKAGES_FILE) -> str:
    """Return the one ``apt-get install`` line that installs every listed package."""
    return "sudo apt-get install --no-install-recommends " + " ".join(debian_packages(path))


def _font_installed(name: str) -> bool:
    """True if a font file ``name`` is in a font folder or in TeX's own tree."""
    if shutil.which("kpsewhich"):
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip():
            return True
    return any(next(folder.rglob(name), None) for folder in FONT_DIRS if folder.is_dir())


def missing() -> list[str]:
    """Return what the PDF build needs and cannot find: programs, then fonts."""
    absent = [program for program in PROGRAMS if shutil.which(program) is None]
    absent += [f"font {font}" for font in FONTS if not _font_installed(font)]
    return absent


def main() -> int:
    """Print what is missing and the line that installs it; exit 1 if anything is."""
    absent = missing()
    if not absent:
        return 0
    print(
        f"make pdf needs TeX, and this machine lacks: {', '.join(absent)}. Install it with:\n"
        f"  {install_command()}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
