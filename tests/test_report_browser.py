"""The HTML report in a real browser: headless Chromium loads every page from file://.

Chromium is driven through its DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages separated by NUL bytes on file descriptors 3 and 4), so the test needs nothing
beyond the standard library and the ``chromium`` package. Every page must load with no
console error, no uncaught exception, no failed request and no broken image; a screenshot of
each page (into pytest's temporary folder, never into the project) must have the window's size
and enough non-white pixels to be a page of text and figures, and the print layout must
produce a PDF.
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from conflictstats.report import INDEX, REPORT_DIR, write_report

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1200, 900
TIMEOUT = 30.0


def _chromium() -> str | None:
    for name in ("chromium", "chromium-headless-shell", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _high(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class DevTools:
    """A minimal DevTools protocol client over Chromium's debugging pipe."""

    def __init__(self, executable: str, profile: Path):
        # Chromium reads commands from fd 3 and writes replies to fd 4. The child's ends are
        # first moved to fds >= 10, so that putting them at 3 and 4 cannot clobber each other.
        read_end, to_chrome = os.pipe()
        from_chrome, write_end = os.pipe()
        for fd in (read_end, write_end):
            os.set_inheritable(fd, False)
        read_end, write_end = (_high(fd) for fd in (read_end, write_end))
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--mute-audio",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(read_end, 3), os.dup2(write_end, 4)),
        )
        os.close(read_end)
        os.close(write_end)
        self._out, self._in = to_chrome, from_chrome
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        """Wait for an event among those received since ``events`` was last cleared."""
        deadline = time.monotonic() + TIMEOUT
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return
            seen = len(self.events)
            self.events.append(self._read_message(deadline))

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._out)
        os.close(self._in)


def _problems(events: list[dict], session: str) -> list[str]:
    out = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            out.append(f"console.{params['type']}: {args}")
        elif method == "Runtime.exceptionThrown":
            out.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            out.append(f"log error: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.loadingFailed":
            out.append(f"failed request: {params.get('errorText')} ({params.get('requestId')})")
        elif method == "Network.responseReceived" and params["response"].get("status", 0) >= 400:
            out.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
    return out


def _ink(png: bytes) -> tuple[tuple[int, int], float, int]:
    """The image's size, its share of non-white pixels and its number of distinct colours."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3)
    ink = float(np.mean(pixels.min(axis=1) < 235))
    colours = len(np.unique(pixels[::7] @ np.array([1, 256, 65536])))
    return image.size, ink, colours


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The report built from the project's committed outputs, in a temporary copy."""
    outdir = tmp_path_factory.mktemp("figures")
    shutil.copytree(ROOT / "figures", outdir, dirs_exist_ok=True)
    if not (outdir / "MANIFEST.json").is_file():
        pytest.skip("no figures/MANIFEST.json to build the report from")
    write_report(outdir, root=ROOT)
    return outdir


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, with one page target attached."""
    executable = _chromium()
    if executable is None:
        reason = "Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, but under CI it must have been: the browser test cannot run")
        pytest.skip(reason)
    devtools = DevTools(executable, tmp_path_factory.mktemp("chromium-profile"))
    try:
        target = devtools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        reply = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        devtools.session = reply["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            devtools.send(f"{domain}.enable", session=devtools.session)
        devtools.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
            session=devtools.session,
        )
        yield devtools
    finally:
        devtools.close()


_FACTS = """JSON.stringify({
    lang: document.documentElement.lang,
    h1: document.querySelectorAll('h1').length,
    nav: document.querySelectorAll('nav[aria-label="Contents"] a').length,
    broken: Array.from(document.images)
        .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    noalt: Array.from(document.images).filter(i => !i.alt.trim()).map(i => i.src)})"""


def _visit(browser: DevTools, page: Path, shots: Path) -> list[str]:
    """Load one page; every problem seen: console errors, failed loads, bad structure, a
    blank or wrongly sized screenshot (saved into ``shots``)."""
    session = browser.session
    browser.events.clear()
    browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    check = browser.send(
        "Runtime.evaluate", {"expression": _FACTS, "returnByValue": True}, session=session
    )
    facts = json.loads(check["result"]["value"])
    problems = _problems(browser.events, session)
    problems += [f"broken image {src}" for src in facts["broken"]]
    problems += [f"image without alt text {src}" for src in facts["noalt"]]
    if facts["lang"] != "en" or facts["h1"] != 1 or facts["nav"] < 1:
        problems.append(f"structure: {facts}")
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    png = base64.b64decode(shot["data"])
    (shots / f"{page.stem}.png").write_bytes(png)
    size, ink, colours = _ink(png)
    if size != (WIDTH, HEIGHT) or ink < 0.01 or colours < 16:
        problems.append(f"screenshot {size}, {ink:.1%} ink, {colours} colours")
    return problems


@pytest.mark.slow  # several seconds: make test-slow
def test_every_report_page_loads_cleanly_in_chromium(report, browser, tmp_path):
    pages = [report / INDEX, *sorted((report / REPORT_DIR).glob("*.html"))]
    assert len(pages) >= 2
    failures = {}
    for page in pages:
        problems = _visit(browser, page, tmp_path)
        if problems:
            failures[str(page.relative_to(report))] = problems
    assert not failures, json.dumps(failures, indent=1)


def test_report_prints_to_pdf(report, browser):
    browser.send("Page.navigate", {"url": (report / INDEX).as_uri()}, session=browser.session)
    browser.wait_for("Page.loadEventFired", browser.session)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=browser.session)
    try:
        pdf = browser.send("Page.printToPDF", {"printBackground": False}, session=browser.session)
    finally:
        browser.send("Emulation.setEmulatedMedia", {"media": ""}, session=browser.session)
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")


def test_the_browser_check_catches_errors_and_blank_pages(browser, tmp_path):
    """The check itself: a missing image, a console error and a blank page are all caught."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html lang="en"><body><h1>x</h1><nav aria-label="Contents">'
        '<a href="#x">x</a></nav><img src="missing.svg" alt="gone">'
        "<script>console.error('boom')</script></body></html>"
    )
    problems = "\n".join(_visit(browser, broken, tmp_path))
    assert "console.error: boom" in problems
    assert "missing.svg" in problems
    assert "screenshot" in problems  # a nearly empty page
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>")
    problems = "\n".join(_visit(browser, blank, tmp_path))
    assert "structure" in problems and "screenshot" in problems
