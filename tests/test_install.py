"""The installed distribution claims one import name, `benchmart`, and works beside packages that own the
generic names (`transforms`, `flows`, ...): built as a wheel, installed into a fresh venv next to stand-ins
for those public packages, its CLI runs from the packaged catalog and migrations."""

import subprocess
import sys
import sysconfig
import venv
import zipfile

import pytest

from .conftest import PROJECT_ROOT

GENERIC = ("transforms", "flows", "expectations", "warehouse", "ingest", "cli")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                           str(PROJECT_ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = out.glob("benchmart-*.whl")
    return path


def test_the_wheel_holds_one_top_level_name_and_the_data_it_needs(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"benchmart", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for needed in ("benchmart/catalog/models.yaml", "benchmart/expectations/suites/mart_leaderboard.json",
                   "benchmart/warehouse/migrations/env.py", "benchmart/warehouse/migrations/versions/0001_initial_schema.py",
                   "benchmart/flows/nightly.py", "benchmart/ingest/connectors/litellm.py"):
        assert needed in names


def test_pip_install_beside_packages_named_transforms_and_flows(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    from pathlib import Path

    for name in GENERIC:  # stand-ins for the unrelated public packages of these names
        (Path(site) / name).mkdir()
        (Path(site) / name / "__init__.py").write_text(f"OWNER = 'public {name}'\n")
    # benchmart's dependencies come from the project's environment (read-only); benchmart itself from the wheel
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    check = (
        "import transforms, flows, expectations, warehouse\n"
        "assert transforms.OWNER == 'public transforms' and flows.OWNER == 'public flows', 'a generic name was taken over'\n"
        "import benchmart.transforms.tables, benchmart.flows.nightly, benchmart.cli\n"
        "assert benchmart.transforms.tables.__file__.startswith(%r), benchmart.transforms.tables.__file__\n"
        "from benchmart.warehouse.migrate import head\n"
        "assert head()\n"
    ) % site
    done = subprocess.run([str(py), "-c", check], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    done = subprocess.run([str(env_dir / "bin" / "benchmart"), "models"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "gpt-4.1-mini" in done.stdout and "GPT-4.1 mini" in done.stdout
