"""The static site from the golden warehouse: every page written, the golden figures on the head-to-head page, every
link resolving, every chart rendered; then a real browser (Chromium, headless) opens the pages at 1400 and 400 px."""

import os
from pathlib import Path
import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from benchmart.cli import app

from ..conftest import PROJECT_ROOT

GOLDEN_PAGE = "vs/gemma-4-12b--gpt-4.1-mini.html"
ARTIFACTS = Path(os.environ.get("BENCHMART_TEST_ARTIFACTS", PROJECT_ROOT / "build" / "test-artifacts"))


@pytest.fixture(scope="module")
def site(golden, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(app, ["site", "--out", str(out), "--warehouse", golden[2], "--pair", "Gemma 4 12B", "--pair", "GPT-4.1 mini"])
    assert result.exit_code == 0, result.output
    assert "open file://" in result.output
    return out


def test_every_page_is_written_and_the_golden_head_to_head_shows_the_seed_figures(site, golden):
    from benchmart.warehouse.read import table_at

    board = table_at(golden[1], "mart_leaderboard", lane="provisional")
    assert {"index.html", "verified.html", "quality.html", "site.css"} <= {p.name for p in site.iterdir()}
    assert len(list((site / "models").glob("*.html"))) == board.height
    assert len(list(site.glob("category-*.html"))) == 8
    page = (site / GOLDEN_PAGE).read_text()
    for figure in ("Coding *</td><td>72.0</td><td>23.6</td>", "+48.4", "Knowledge *</td><td>77.8</td><td>64.2</td>", "+13.6",
                   "Biggest swing: GPQA Diamond</td><td>78.8</td><td>64.2</td>", "$0.40 in / $1.60 out per M tokens",
                   "Speed 80 tokens/s, latency 0.76 s", "Context 256K, a reasoning model", "Context 1M, not a reasoning model",
                   "a larger context window (1M vs 256K) and no reasoning-model latency or token spend"):
        assert figure in page, figure


def test_every_link_resolves_and_every_chart_rendered(site):
    pages = list(site.rglob("*.html"))
    for page in pages:
        html = page.read_text()
        for href in re.findall(r'href="([^"#]+)"', html):
            if href.startswith(("http://", "https://")):
                continue
            assert (page.parent / href).resolve().is_file(), f"{page.relative_to(site)} links to a missing {href}"
        for figure in re.findall(r"<figure>(.*?)</figure>", html, flags=re.S):
            assert figure.lstrip().startswith("<svg") and figure.count("<path") + figure.count("<text") > 10, page
    assert len(re.findall(r"<figure><svg", (site / "index.html").read_text())) == 2  # score vs price, score vs release date


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser() -> str:
    found = _chromium()
    if not found:
        if os.environ.get("BENCHMART_REQUIRE_BROWSER"):
            pytest.fail("BENCHMART_REQUIRE_BROWSER is set but no Chromium is installed (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium); .ci/run installs it")
    return found


def _run(browser: str, *args: str) -> str:
    out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                          "--disable-dev-shm-usage", *args], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.parametrize("width", [1400, 400])
def test_a_real_browser_renders_the_pages_readably_at_both_widths(site, browser, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, page in [("leaderboard", "index.html"), ("golden-head-to-head", GOLDEN_PAGE), ("model", "models/gpt-4.1-mini.html")]:
        url = (site / page).as_uri()
        dom = _run(browser, f"--window-size={width},1200", "--virtual-time-budget=3000", "--dump-dom", url)
        assert 'data-fits="true"' in dom, f"{page} is wider than {width} px"
        shot = ARTIFACTS / f"{name}-{width}.png"
        _run(browser, f"--window-size={width},1200", f"--screenshot={shot}", url)
        assert shot.stat().st_size > 10_000
        if page == GOLDEN_PAGE:
            assert "Coding *</td><td>72.0</td><td>23.6</td>" in dom and "+48.4" in dom and "GPQA Diamond" in dom
        assert dom.count("<svg") >= (1 if page != "index.html" else 2)


def test_the_site_never_replaces_a_folder_it_did_not_write(golden, tmp_path):
    from benchmart.errors import BenchmartError
    from benchmart.ingest.catalog import load_catalog
    from benchmart.settings import Settings
    from benchmart.site.build import build_site

    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("keep me")
    with pytest.raises(BenchmartError, match="is not a benchmart site"):
        build_site(golden[1], load_catalog(Settings().catalog_dir), mine)
    assert (mine / "thesis.txt").read_text() == "keep me" and [p.name for p in tmp_path.iterdir()] == ["notes"]
