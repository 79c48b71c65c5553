"""``cleaner explain``: the page, opened in a real headless Chromium (Debian's), checked and photographed.

Skipped only when Chromium or Playwright is not installed here; with ``CLEANER_REQUIRE_BROWSER=1`` (set by
``.ci/run``) their absence is a failure.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner
from cleaner.report import COLOURS, explain_page, rule_reasons

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("003_*.txt"))[0]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 900}
# In the browser: decode a PNG and count its pixels by colour (exact RGB, as "r,g,b").
COUNT_COLOURS = """async (data) => {
  const image = new Image();
  image.src = "data:image/png;base64," + data;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const counts = {};
  for (let i = 0; i < pixels.length; i += 4) {
    const key = pixels[i] + "," + pixels[i + 1] + "," + pixels[i + 2];
    counts[key] = (counts[key] || 0) + 1;
  }
  return counts;
}"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CLEANER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and CLEANER_REQUIRE_BROWSER=1 requires it")
    pytest.skip(f"{reason}: apt-get install chromium and pip install '.[test]' to run the browser test")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _unavailable("Chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, args=CHROMIUM_FLAGS, headless=True, viewport=VIEWPORT
        )
        yield context
        context.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _rgb(hex_colour: str) -> str:
    return ",".join(str(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5))


def test_explain_page_in_chromium(browser: Any, tmp_path: Path) -> None:
    page_path = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "explain", str(SEED), "-o", str(page_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    record = json.loads(subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "--json", str(SEED)], capture_output=True, text=True, check=True
    ).stdout)  # fmt: skip
    removed = record["removed"]
    assert len(removed) >= 5 and len({removal["category"] for removal in removed}) >= 3

    page = browser.new_page()
    page.goto(page_path.as_uri())
    marks = page.locator("mark.removal")
    assert marks.count() == len(removed)
    shown = marks.evaluate_all(
        "marks => marks.map(m => ({rule: m.dataset.rule, category: m.dataset.category, text: m.textContent,"
        " title: m.title, background: getComputedStyle(m).backgroundColor}))"
    )
    for mark, removal in zip(shown, sorted(removed, key=lambda removal: removal["start"]), strict=True):
        assert (mark["rule"], mark["category"], mark["text"]) == (removal["rule"], removal["category"], removal["text"])
        assert mark["title"].startswith(f"{removal['rule']} ({removal['category']}): ") and len(mark["title"]) > 30
        assert mark["background"] == f"rgb({_rgb(COLOURS[removal['category']]).replace(',', ', ')})"
    assert all(marks.nth(i).get_attribute("data-reason") for i in range(marks.count()))
    marks.first.hover()
    assert marks.first.evaluate("m => m.matches(':hover')")
    assert page.locator(".body p").first.text_content() == record["body"].split("\n\n")[0]
    assert page.locator('tr[data-field="dateline"] td').text_content() == record["metadata"]["dateline"]
    legend = dict(
        page.locator(".legend span").evaluate_all("spans => spans.map(s => [s.dataset.category, s.textContent])")
    )
    assert legend["duplicate"] == f"duplicate {sum(r['category'] == 'duplicate' for r in removed)}"

    shot = page.screenshot(full_page=True)
    (tmp_path / "report.png").write_bytes(shot)
    width, height = _png_size(shot)
    assert width == VIEWPORT["width"] and height >= VIEWPORT["height"] and len(shot) > 20_000
    page.close()
    blank = browser.new_page()  # the report's own policy forbids images: decode the picture elsewhere
    counts = blank.evaluate(COUNT_COLOURS, base64.b64encode(shot).decode("ascii"))
    blank.close()
    total = width * height
    assert counts.get("255,255,255", 0) < 0.9 * total  # not blank
    assert len(counts) > 50  # text, anti-aliasing, highlights
    for category in {removal["category"] for removal in removed}:  # every highlight colour is on the picture
        assert counts.get(_rgb(COLOURS[category]), 0) > 200, category


def test_explain_page_escapes_the_input_and_loads_nothing(browser: Any, tmp_path: Path) -> None:
    text = "<script>document.title='owned'</script> Follow us on Twitter\n\n" + SEED.read_text(encoding="utf-8")
    cleaner = Cleaner()
    result = cleaner.clean(text)
    page_path = tmp_path / "hostile.html"
    page_path.write_text(explain_page(result, rule_reasons(cleaner), "<b>name</b>"), encoding="utf-8")
    requests: list[str] = []
    page = browser.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    assert page.title() == "cleaner explain: <b>name</b>"
    assert page.locator("script").count() == 0 and "<script>" in page.locator("pre.input").text_content()
    assert page.locator("mark.removal").count() == len(result.removed)
    assert requests == [page_path.as_uri()]
    page.close()
