"""Real-browser fixtures: Debian's Chromium driven by Playwright, and Jupyter servers
(JupyterLab 4 or Notebook 7). Recipe: ../shared/BROWSER-TESTS.md.

Sharing, and why no state leaks between tests:

- one Chromium per session, a fresh browser *context* per test (own cookies, storage, cache);
- one Jupyter server per (ui, theme) per session; each test gets its own folder under the
  server's root (its notebooks, its stores, its kernel's cwd) and, in JupyterLab, its own
  workspace (a reused workspace would reopen the previous test's notebook tabs). At teardown
  the test's sessions are deleted over the REST API, which shuts their kernels down: a reused
  server would otherwise keep the notebook's session and kernel alive (recipe, gotcha 11).
- each test's slice of the server log goes to artifacts/<test>-server.log, and a screenshot of
  its page to artifacts/<test>.png, pass or fail.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, need

CHROMIUM = os.environ.get("LABELWIDGETS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
TOKEN = "TEST"
KERNEL_READY_JS = """() => {
  const ei = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
  const kn = document.querySelector('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName');
  return !!(ei && kn && ei.dataset.status === 'idle'
            && kn.textContent.trim() !== '' && !/No Kernel/.test(kn.textContent)); }"""
# Playwright's expect() waits 5 s by default: too short for a 10k-chunk search on a loaded
# 2-core box. A longer wait changes no verdict; it only gives a slow pass more time.
expect.set_options(timeout=15_000)
KNOWN_PAGE_ERRORS = ("reading 'schema'",)  # Notebook 7.6 shortcuts plugin, upstream and harmless
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _artifact_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^\w.-]", "_", request.node.name)


@dataclass
class _Server:
    """A running Jupyter server, shared by the tests of one (ui, theme)."""

    ui: str  # "lab" or "notebook"
    root: Path
    port: int
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
            data=None if body is None else json.dumps(body).encode(),
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


@dataclass
class JupyterServer:
    """One test's part of a shared Jupyter server: its own folder and (Lab) workspace.

    ``root`` is the test's folder: notebooks are written there, and it is the kernel's
    working directory, so a store a notebook opens by relative name is ``root / name``.
    """

    ui: str  # "lab" or "notebook"
    root: Path
    port: int
    folder: str  # ``root`` relative to the server's root
    server: _Server

    def url(self, notebook: str) -> str:
        """The page that opens ``notebook`` (a name in this test's folder)."""
        path = urllib.parse.quote(f"{self.folder}/{notebook}")
        base = f"http://127.0.0.1:{self.port}"
        if self.ui == "lab":
            return f"{base}/lab/workspaces/{self.folder}/tree/{path}?token={TOKEN}"
        return f"{base}/notebooks/{path}?token={TOKEN}"

    def write_notebook(self, name: str, cells: list[str]) -> None:
        """Write a notebook of code ``cells`` with the venv's python3 kernel into ``root``."""
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, self.root / name)

    def start_kernel(self, notebook: str) -> None:
        """Start the notebook's session and kernel, as the page would on opening it."""
        path = f"{self.folder}/{notebook}"
        body = {"path": path, "name": notebook, "type": "notebook", "kernel": {"name": "python3"}}
        self.server.api("POST", "/api/sessions", body)

    def sessions(self) -> list[dict]:
        """The server's sessions whose notebook is in this test's folder."""
        return [
            s
            for s in self.server.api("GET", "/api/sessions")
            if s["path"].startswith(self.folder + "/")
        ]

    def shut_down_sessions(self) -> None:
        """Delete this test's sessions (the server shuts their kernels down)."""
        for session in self.sessions():
            self.server.api("DELETE", f"/api/sessions/{session['id']}")
        left = self.sessions()
        if left:
            raise RuntimeError(f"sessions left running after the test: {left}")


def _start(ui: str, base: Path, *, theme: str | None = None) -> _Server:
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
    server = _Server(ui, base / "root", port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter {ui} exited: {log.read_text()[-2000:]}")
        try:
            server.api("GET", "/api/status")
            return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"jupyter {ui} did not start: {log.read_text()[-2000:]}")


def _stop(server: _Server) -> None:
    try:
        server.api("POST", "/api/shutdown")
        server.process.wait(15)
    except Exception:
        server.process.kill()
        server.process.wait(5)


@pytest.fixture(scope="session")
def _jupyter_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Running servers by (ui, theme), started on first use, stopped at the session's end."""
    servers: dict[tuple[str, str | None], _Server] = {}

    def get(ui: str, theme: str | None = None) -> _Server:
        key = (ui, theme)
        if key not in servers or servers[key].process.poll() is not None:
            base = tmp_path_factory.mktemp(f"jupyter-{ui}{'-dark' if theme else ''}")
            servers[key] = _start(ui, base, theme=theme)
        return servers[key]

    yield get
    for server in servers.values():
        _stop(server)


def _test_part(
    request: pytest.FixtureRequest, get_server, ui: str, theme: str | None = None
) -> Iterator[JupyterServer]:
    need(
        Path(CHROMIUM).exists(),
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    server = get_server(ui, theme)
    folder = f"{_artifact_name(request)}-{uuid.uuid4().hex[:8]}"
    (server.root / folder).mkdir()
    log_start = server.log.stat().st_size
    part = JupyterServer(ui, server.root / folder, server.port, folder, server)
    try:
        yield part
    finally:
        try:
            part.shut_down_sessions()
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            with server.log.open("rb") as log:
                log.seek(log_start)
                (ARTIFACTS / f"{_artifact_name(request)}-server.log").write_bytes(log.read())


@pytest.fixture(params=["lab", "notebook"])
def jupyter(request: pytest.FixtureRequest, _jupyter_servers) -> Iterator[JupyterServer]:
    """This test's folder on a shared JupyterLab 4 or Notebook 7 server."""
    yield from _test_part(request, _jupyter_servers, request.param)


@pytest.fixture
def dark_jupyter(request: pytest.FixtureRequest, _jupyter_servers) -> Iterator[JupyterServer]:
    """This test's folder on a shared JupyterLab with its dark theme."""
    yield from _test_part(request, _jupyter_servers, "lab", "JupyterLab Dark")


@pytest.fixture(scope="session")
def _chromium() -> Iterator:
    """One Chromium for the session (relaunched if it died)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browsers = []

    def get():
        if not browsers or not browsers[-1].is_connected():
            browsers.append(
                playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
            )
        return browsers[-1]

    try:
        yield get
    finally:
        for browser in browsers:
            if browser.is_connected():
                browser.close()
        playwright.stop()


@dataclass
class BrowserPage:
    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, _chromium) -> Iterator[BrowserPage]:
    """A page in a fresh browser context, watched for errors and requests."""
    need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    context = _chromium().new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        watched = BrowserPage(page)
        page.on("pageerror", lambda e: watched.errors.append(f"pageerror: {e}"))
        page.on(
            "console", lambda m: m.type == "error" and watched.errors.append(f"console: {m.text}")
        )
        page.on("request", lambda r: watched.requests.append(r.url))
        yield watched
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request)}.png"), full_page=True)
    finally:
        context.close()


def open_and_run_all(page, server: JupyterServer, notebook: str) -> None:
    """Open ``notebook``, wait for a live kernel, and run every cell from the menu."""
    # The kernel starts while the page loads; the page joins the notebook's session (or, if it
    # asks first, starts its own: the teardown shuts every session of the test down).
    kernel = threading.Thread(target=server.start_kernel, args=(notebook,), daemon=True)
    kernel.start()
    page.goto(server.url(notebook))
    page.wait_for_function(KERNEL_READY_JS, timeout=90_000)
    kernel.join()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def unexpected_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(k in e for k in KNOWN_PAGE_ERRORS)]
