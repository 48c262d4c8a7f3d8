"""axe-core on every page of the built site: no WCAG 2.2 AA violation, in both colour
schemes, at a desktop's and a phone's width.

axe-core is the npm package pinned in package-lock.json (`npm ci` puts it in node_modules),
injected from that file, so the check asks no other host for anything. The explorer page is
checked once its live diagram is up. Each run's findings go to test-artifacts/axe-*.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "test-artifacts"
#: axe-core's tags for the WCAG 2.0, 2.1 and 2.2 A and AA success criteria.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCHEMES = {"light": "default", "dark": "slate"}
#: Runs axe on the page, after two frames (the page's scripts settle their layout first).
#: Each violation: the rule, and per element its selector and what axe says is wrong.
RUN = """async (tags) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {
    version: axe.version,
    passed: result.passes.map((rule) => rule.id),
    violations: result.violations.map((rule) => ({
      rule: rule.id,
      nodes: rule.nodes.map((node) => [node.target.join(' '), node.failureSummary]),
    })),
  };
}"""


def pinned_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"]["node_modules/axe-core"]["version"])


@pytest.mark.site
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_no_wcag_violations(
    base_url: str, browser: Browser, pages: list[str], scheme: str, width: int
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make pyodide)")
    assert len(pages) >= 16
    context = browser.new_context(
        color_scheme=scheme,  # type: ignore[arg-type]
        viewport={"width": width, "height": 900},
    )
    found: dict[str, list[dict[str, object]]] = {}
    for path in pages:
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        if path == "explorer/":
            page.wait_for_selector("form[data-flatviz-state='live']", timeout=60_000)
        assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(RUN, TAGS)
        assert result["version"] == pinned_version()
        # The contrast rule ran on real text: a page where it finds nothing to check
        # would pass vacuously.
        assert "color-contrast" in result["passed"] or result["violations"], path
        if result["violations"]:
            found[path or "/"] = result["violations"]
        page.close()
    context.close()
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"axe-{scheme}-{width}.json").write_text(json.dumps(found, indent=1) + "\n")
    assert {path: [v["rule"] for v in rules] for path, rules in found.items()} == {}
