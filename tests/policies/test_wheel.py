"""The wheel ships the bundled policies and finds them with importlib.resources."""

from __future__ import annotations

import os
import site as sitemod
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

SCRIPT = """
import json, parcours
from parcours.policies.bundled import bundled_names, bundled_root
from parcours import load_policy
names = bundled_names()
loaded = {n: sorted(load_policy(n).dispositifs) for n in names}
print(json.dumps({"module": parcours.__file__, "root": str(bundled_root()), "loaded": loaded}))
"""


def test_wheel_installs_and_loads_every_bundled_policy(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("parcours-*.whl"))
    env_dir = tmp_path / "venv"
    # parcours comes from the wheel only; its dependencies from the running interpreter, be it
    # a virtualenv or a global one: its site-packages are listed in a .pth file of the new
    # environment (``system_site_packages`` would give the base interpreter's, not a venv's).
    # Directories listed in a .pth are added after the environment's own site-packages, and
    # the .pth files they hold (an editable install of parcours) are not run.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    parents = [p for p in (*sitemod.getsitepackages(), sitemod.getusersitepackages()) if Path(p).is_dir()]
    (Path(site) / "_dependances.pth").write_text("\n".join(parents) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", site, str(wheel)],
        check=True,
        capture_output=True,
    )
    # Only the wheel: a PYTHONPATH pointing at a source tree would hide what the wheel ships.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(python), "-c", SCRIPT], check=True, capture_output=True, text=True, cwd=tmp_path, env=env
    )
    import json

    report = json.loads(done.stdout)
    assert report["module"].startswith(str(env_dir)), report["module"]
    assert report["root"].startswith(str(env_dir)), report["root"]
    assert {"moselle", "meurthe_et_moselle", "seine_saint_denis", "base/accompagnement_social"} <= set(
        report["loaded"]
    )
    assert all(report["loaded"][name] for name in ("moselle", "meurthe_et_moselle", "seine_saint_denis"))
