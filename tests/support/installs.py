"""Fresh virtual environments for the install tests: PressLens as a user gets it, not this checkout.

Every command runs with PYTHONPATH unset and from a folder outside the checkout, so
``import toolkit`` can only find the installed copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def wheel_cache() -> Path:
    """Where the install tests keep their wheelhouse between runs: outside the checkout, since CI clones afresh.

    ``$PRESSLENS_WHEEL_CACHE`` overrides it; one folder per Python version (wheels are built for one).
    """
    base = os.environ.get("PRESSLENS_WHEEL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "presslens"
    )
    return Path(base) / f"wheelhouse-py{sys.version_info.major}.{sys.version_info.minor}"


def ensure_wheelhouse(extras: str = "lab") -> Path:
    """`make wheelhouse` into :func:`wheel_cache` (dependencies downloaded only when the pyprojects change)."""
    folder = wheel_cache()
    run(
        [
            "make",
            "--no-print-directory",
            "wheelhouse",
            f"WHEELHOUSE={folder}",
            f"PYTHON={sys.executable}",
            f"WHEELHOUSE_EXTRAS={extras}",
        ],
        cwd=REPO,
        timeout=3600,
    )
    return folder


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would make Python import from the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def offline_pip_env() -> dict[str, str]:
    """pip with no configured index, find-links or constraints: only what the command line names."""
    env = {k: v for k, v in clean_env().items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # pip reads no pip.conf at all
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> str:
    """Run a command; fail with its output when it fails. Returns stdout + stderr."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True, timeout=timeout
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {done.returncode}:\n{output[-4000:]}")
    return output


@dataclass
class Venv:
    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def bin(self, name: str) -> Path:
        return self.root / "bin" / name

    def pip(self, *args: str | Path, env: dict[str, str] | None = None) -> str:
        return run([self.python, "-m", "pip", *args], cwd=self.root.parent, env=env)

    def has(self, module: str) -> bool:
        code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"
        return subprocess.run([self.python, "-c", code], env=clean_env()).returncode == 0

    def size_mb(self) -> float:
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def make_venv(root: Path, python: str | Path = sys.executable) -> Venv:
    """A new venv without system site-packages (so nothing installed here leaks in)."""
    run([python, "-m", "venv", root], cwd=root.parent)
    return Venv(root)


# left out of the source copy a wheel is built from: a stale build/ would put deleted modules in the wheel
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "demo-out", "wheelhouse", ".ci-logs", ".hypothesis"
)


def build_wheel(project: Path, out: Path) -> Path:
    """Build ``project``'s wheel as a release would (pip's isolated PEP 517 build, from a clean copy)."""
    out.mkdir(parents=True, exist_ok=True)
    source = out / "source"
    shutil.copytree(project, source, ignore=_NOT_SOURCE)
    before = set(out.glob("*.whl"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", out, source], cwd=out)
    made = sorted(set(out.glob("*.whl")) - before) or sorted(out.glob("*.whl"))
    assert made, f"pip wheel wrote no wheel into {out}"
    return made[-1]


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


class Stopwatch:
    """Seconds per step, printed at the end of a test (pytest -s or the -ra summary shows them)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.steps.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        parts = ", ".join(f"{name} {seconds:.0f}s" for name, seconds in self.steps)
        return f"{parts}; total {time.monotonic() - self.start:.0f}s"
