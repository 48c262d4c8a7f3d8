"""One SVG for a desktop and a phone: each panel placed for both, switched by a container
query; every element keyed for the highlight script, which stays small and on every page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import torch
import yaml

import flatviz
from flatviz.paint.svg import STYLESHEET, switch

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]
TRANSPOSE = torch.arange(24).reshape(2, 3, 4).transpose(1, 2)
TRANSLATE = re.compile(r"translate\(([-\d.]+),([-\d.]+)\)")
NARROW_AT = re.compile(r"--nx:([-\d.]+)px;--ny:([-\d.]+)px")


def groups(svg: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(svg) if g.tag == f"{SVG}g"]


def test_each_panel_carries_its_spot_on_a_desktop_and_on_a_phone() -> None:
    scene = flatviz.diagram(TRANSPOSE, 1)
    wide, phone = scene.placements
    svg = flatviz.svg(TRANSPOSE, 1)
    root = ET.fromstring(svg)
    assert root.get("width") == "680" and root.get("viewBox") is None  # CSS resizes it
    assert root.get("style") == f"--fv-nw:{phone.width:g}px;--fv-nh:{phone.height:g}px"
    at_wide = {name: (x, y) for name, x, y in wide.spots}
    at_phone = {name: (x, y) for name, x, y in phone.spots}
    assert len(groups(svg)) == len(scene.panels) == len(at_wide.keys() | at_phone.keys())
    for panel, g in zip(scene.panels, groups(svg), strict=True):
        assert g.get("data-panel") == panel.name
        classes = g.get("class", "").split()
        moved = TRANSLATE.fullmatch(g.get("transform", ""))
        assert moved is not None
        spot = tuple(float(v) for v in moved.groups())
        if panel.name in at_phone:
            phone_spot = NARROW_AT.fullmatch(g.get("style", ""))
            assert phone_spot is not None
            assert tuple(float(v) for v in phone_spot.groups()) == at_phone[panel.name]
        assert spot == at_wide.get(panel.name, at_phone.get(panel.name))
        assert ("fv-wo" in classes) == (panel.name not in at_phone)
        assert ("fv-no" in classes) == (panel.name not in at_wide)
    # The phone's strip breaks into rows; the desktop's stays one.
    assert "storage" in at_phone and "storage-row" in at_wide


def test_the_container_query_switches_at_the_desktop_width() -> None:
    """Below the desktop picture's width (680 px: two 328 px columns and their gap), the
    box around it shows the phone's."""
    svg = flatviz.svg(TRANSPOSE, 1)
    assert 'class="flatviz fv-w680"' in svg
    assert f"<style>{STYLESHEET}{switch(680)}</style>" in svg
    assert "@container (max-width:679.98px){svg.flatviz.fv-w680{" in switch(680)
    assert ".fv-no{display:none}" in STYLESHEET  # shown only inside the query


def test_a_given_width_gives_one_placement() -> None:
    svg = flatviz.svg(TRANSPOSE, 1, width=688)
    root = ET.fromstring(svg)
    assert root.get("class") == "flatviz" and root.get("style") is None
    assert "@container" not in svg
    assert all(g.get("class") is None for g in groups(svg))
    phone = ET.fromstring(flatviz.svg(TRANSPOSE, 1, width=358))
    assert float(phone.get("width", "0")) <= 358


def test_every_element_is_keyed_by_address_and_read() -> None:
    """Cells and dots carry the address torch stores the element at and when flatten
    reads it; the input's first cell is the figure's one tab stop."""
    positions = TRANSPOSE.reshape(-1).tolist()  # arange: the value is the address
    root = ET.fromstring(flatviz.svg(TRANSPOSE, 1))
    keyed = [g for g in root.iter(f"{SVG}g") if g.get("data-a") is not None]
    for kind, section in (("fv-c", "input"), ("fv-c", "result"), ("fv-d", "read")):
        items = [
            g for g in keyed
            if kind in g.get("class", "") and (g.findtext(f"{SVG}title") or "").startswith(section)
        ]  # fmt: skip
        assert [(int(g.get("data-a", "")), g.get("data-r")) for g in items] == [
            (a, str(k)) for k, a in enumerate(positions)
        ], section
    focusable = [g for g in root.iter(f"{SVG}g") if g.get("tabindex") is not None]
    assert [g.get("tabindex") for g in focusable] == ["0"]
    assert focusable[0].findtext(f"{SVG}title", "").startswith("input: x[0, 0, 0]")


def test_the_highlight_script_is_small_and_on_every_page() -> None:
    script = ROOT / "docs" / "javascripts" / "highlight.js"
    assert script.stat().st_size <= 3 * 1024
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert "javascripts/highlight.js" in config["extra_javascript"]
