"""The notebooks as a person uses them: JupyterLab in a real browser, every cell run, every chart drawn; and the
web pages of a run, read without Python.

Needs Chromium (Debian's `chromium` package; CI installs it) and Playwright's Python API (a test dependency), which
drives that browser: no browser is downloaded. Without them the tests are skipped, saying how to get them.
"""

import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from policy_kit.lab import KERNEL_DISPLAY_NAME as KERNEL
from policy_kit.runner import STEPS

HOW_TO = ("install Chromium (Debian/Ubuntu: `apt-get install chromium`) and the test dependencies (`make install`, "
          "which brings Playwright; it drives the installed Chromium, no browser download)")
IDLE_TIMEOUT_MS = 600_000


def _chromium() -> str | None:
    return next(filter(None, (shutil.which(name) for name in ("chromium", "chromium-browser"))), None)


def _missing() -> str | None:
    if _chromium() is None:
        return "no Chromium found: " + HOW_TO
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed: " + HOW_TO
    return None


# decided before any fixture starts a run or a server
pytestmark = [pytest.mark.slow, pytest.mark.skipif(_missing() is not None, reason=_missing() or "")]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium's sandbox refuses to start as root (CI runs as root)
        chromium = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"] if os.geteuid() == 0 else [])
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(folder: Path) -> None:
    """Every notebook cell in the page (no virtual scrolling), and no call to the internet for news."""
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture
def jupyterlab(fresh_checkout, project_kernel, tmp_path):
    """JupyterLab on a free port with a token, rooted at a fresh checkout, as `make lab` starts it."""
    port, token = _free_port(), secrets.token_hex(16)
    _settings(tmp_path / "lab-settings")
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={fresh_checkout}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "jupyterlab.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)
        yield url, token, fresh_checkout
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _recorded_figures(run: Path, stage: str) -> int:
    entries = json.loads((run / "records" / f"{stage}.json").read_text(encoding="utf-8"))["entries"]
    return sum(e["kind"] == "figure" for e in entries.values())


# the notebook on screen (others may be open in hidden tabs)
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROMPTS = f"Array.from(document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')).map(p => p.textContent.trim())"


def test_each_notebook_runs_in_jupyterlab_and_draws_every_chart(browser, jupyterlab, tmp_path):
    url, token, project = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    for step in STEPS:
        page.goto(f"{url}/lab/tree/notebooks/{step.notebook}?reset&token={token}")
        page.wait_for_selector(f"{PANEL} .jp-CodeCell")
        # the kernel the notebook names, started and waiting
        try:
            page.wait_for_function(f"document.querySelector(\"{PANEL} .jp-Toolbar\").innerText.includes('{KERNEL}')")
        finally:
            page.screenshot(path=str(tmp_path / f"{Path(step.notebook).stem}-opened.png"))
        page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']")
        page.locator("li.lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        # every code cell numbered: all ran (a failing cell stops the ones after it, which keep no number)
        page.wait_for_function(f"{PROMPTS}.every(p => /^\\[\\d+\\]:$/.test(p))", timeout=IDLE_TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']")
        page.screenshot(path=str(tmp_path / f"{Path(step.notebook).stem}.png"), full_page=True)

        shown_errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [shown_errors.nth(i).inner_text() for i in range(shown_errors.count())]
        assert not [t for t in texts if "Traceback" in t or "Error" in t], f"{step.notebook}: {texts[:1]}"
        images = page.evaluate(f"Array.from(document.querySelectorAll('{PANEL} .jp-RenderedImage img'))"
                               ".map(i => ({done: i.complete, width: i.naturalWidth}))")
        expected = _recorded_figures(project / "briefings" / "by-hand", step.stage)
        assert len(images) == expected, f"{step.notebook}: {len(images)} charts drawn, {expected} recorded"
        assert all(i["done"] and i["width"] > 0 for i in images), f"{step.notebook}: a chart did not load"

        # saved as it is on screen, the notebook holds no error output either
        before = (project / "notebooks" / step.notebook).stat().st_mtime_ns
        page.click(f"{PANEL} .jp-Notebook")
        page.keyboard.press("Control+s")
        deadline = time.monotonic() + 60
        while (project / "notebooks" / step.notebook).stat().st_mtime_ns == before and time.monotonic() < deadline:
            time.sleep(0.2)
        saved = nbformat.read(project / "notebooks" / step.notebook, as_version=4)
        errors = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{step.notebook}: {errors[:1]}"
    assert (project / "briefings" / "by-hand" / "memo.docx").is_file()
    page.close()


def test_each_web_page_of_a_run_loads_its_charts(browser, default_run, tmp_path):
    run = default_run[0].run_dir
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    for step in STEPS:
        web_page = run / "html" / f"{Path(step.notebook).stem}.html"
        page.goto(web_page.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / f"{web_page.stem}.png"), full_page=True)
        images = page.evaluate("Array.from(document.images).map(i => ({done: i.complete, width: i.naturalWidth, alt: i.alt}))")
        expected = _recorded_figures(run, step.stage)
        assert len(images) == expected, f"{web_page.name}: {len(images)} images, {expected} charts recorded"
        assert all(i["done"] and i["width"] > 0 and i["alt"] for i in images), f"{web_page.name}: an image did not load"
    page.close()
