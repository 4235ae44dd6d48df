"""Real-browser fixtures: a Jupyter server (JupyterLab 4 or Notebook 7) per test in a temporary
root, and Debian's Chromium driven by Playwright. Recipe: ../shared/BROWSER-TESTS.md."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, need

CHROMIUM = os.environ.get("LABELWIDGETS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
TOKEN = "TEST"
KERNEL_READY_JS = """() => {
  const ei = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
  const kn = document.querySelector('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName');
  return !!(ei && kn && ei.dataset.status === 'idle'
            && kn.textContent.trim() !== '' && !/No Kernel/.test(kn.textContent)); }"""
KNOWN_PAGE_ERRORS = ("reading 'schema'",)  # Notebook 7.6 shortcuts plugin, upstream and harmless


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class JupyterServer:
    ui: str  # "lab" or "notebook"
    root: Path
    port: int
    process: subprocess.Popen
    log: Path

    def url(self, notebook: str) -> str:
        path = "lab/tree" if self.ui == "lab" else "notebooks"
        return f"http://127.0.0.1:{self.port}/{path}/{notebook}?token={TOKEN}"

    def write_notebook(self, name: str, cells: list[str]) -> None:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, self.root / name)


def _start(ui: str, base: Path, *, theme: str | None = None) -> JupyterServer:
    for sub in ("root", "jcfg", "jdata", "jrt", "ipython", "workspaces"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    settings = base / "user-settings"
    for plugin, value in {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        **(
            {"@jupyterlab/apputils-extension/themes.jupyterlab-settings": {"theme": theme}}
            if theme
            else {}
        ),
    }.items():
        target = settings / plugin
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    port = _free_port()
    app = "LabApp" if ui == "lab" else "JupyterNotebookApp"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "jcfg"),
        "JUPYTER_DATA_DIR": str(base / "jdata"),
        "JUPYTER_RUNTIME_DIR": str(base / "jrt"),
        "IPYTHONDIR": str(base / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab" if ui == "lab" else "notebook",
        "--no-browser",
        "--allow-root",
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={base / 'root'}",
        f"--{app}.user_settings_dir={settings}",
        f"--{app}.workspaces_dir={base / 'workspaces'}",
    ]
    if ui == "lab":
        command += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
    log = base / f"server-{ui}.log"
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter {ui} exited: {log.read_text()[-2000:]}")
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/status", headers={"Authorization": f"token {TOKEN}"}
            )
            urllib.request.urlopen(request, timeout=1).read()
            return JupyterServer(ui, base / "root", port, process, log)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"jupyter {ui} did not start: {log.read_text()[-2000:]}")


def _stop(server: JupyterServer) -> None:
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/api/shutdown",
            method="POST",
            headers={"Authorization": f"token {TOKEN}"},
        )
        urllib.request.urlopen(request, timeout=5).read()
        server.process.wait(15)
    except Exception:
        server.process.kill()
        server.process.wait(5)


@pytest.fixture(params=["lab", "notebook"])
def jupyter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JupyterServer]:
    need(
        Path(CHROMIUM).exists(),
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    server = _start(request.param, tmp_path)
    yield server
    _stop(server)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(server.log, ARTIFACTS / f"{request.node.name}-server.log".replace("/", "_"))


@pytest.fixture
def dark_jupyter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JupyterServer]:
    """JupyterLab with its dark theme."""
    need(
        Path(CHROMIUM).exists(),
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    server = _start("lab", tmp_path, theme="JupyterLab Dark")
    yield server
    _stop(server)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(server.log, ARTIFACTS / f"{request.node.name}-server.log")


@dataclass
class BrowserPage:
    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def browser_page(request: pytest.FixtureRequest) -> Iterator[BrowserPage]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        watched = BrowserPage(page)
        page.on("pageerror", lambda e: watched.errors.append(f"pageerror: {e}"))
        page.on(
            "console", lambda m: m.type == "error" and watched.errors.append(f"console: {m.text}")
        )
        page.on("request", lambda r: watched.requests.append(r.url))
        yield watched
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        browser.close()


def open_and_run_all(page, server: JupyterServer, notebook: str) -> None:
    """Open ``notebook``, wait for a live kernel, and run every cell from the menu."""
    page.goto(server.url(notebook))
    page.wait_for_function(KERNEL_READY_JS, timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def unexpected_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(k in e for k in KNOWN_PAGE_ERRORS)]
