// Linked highlighting for flatviz diagrams, on every page and in the explorer. Hover, tap
// or focus a cell, storage box or chart dot: each picture of the same element (storage
// address data-a) gets a ring and its read order (data-r). Arrows, Home and End move the
// focus; each element's <title> names it for screen readers. Without this script, each
// element keeps its own tooltip.
(() => {
  const NS = "http://www.w3.org/2000/svg";
  let marks = [];
  let current = null;

  function add(parent, tag, attrs) {
    const node = document.createElementNS(NS, tag);
    for (const key in attrs) node.setAttribute(key, attrs[key]);
    parent.append(node);
    return node;
  }

  function clear() {
    marks.forEach((mark) => mark.remove());
    marks = [];
    current = null;
  }

  // Items of the placement on show.
  const shown = (figure, selector) =>
    [...figure.querySelectorAll(selector)].filter((n) => n.getClientRects().length);

  function light(item) {
    if (item === current) return;
    clear();
    current = item;
    for (const twin of shown(item.closest("svg.flatviz"), `[data-a="${item.dataset.a}"]`)) {
      const box = twin.getBBox();
      const mark = add(twin.parentNode, "g", { class: "fv-badge", "aria-hidden": "true" });
      add(mark, "rect", {
        class: "fv-ring", rx: twin.matches(".fv-d") ? box.width / 2 + 2 : 2,
        x: box.x - 2, y: box.y - 2, width: box.width + 4, height: box.height + 4,
      });
      const words = `read ${twin.dataset.r}`;
      const width = words.length * 7.3 + 8;
      // Centred above the element, kept inside the figure.
      const shift = twin.parentNode.getCTM().e;
      const room = twin.ownerSVGElement.getBoundingClientRect().width - shift;
      const x = Math.max(1 - shift, Math.min(box.x + box.width / 2 - width / 2, room - width - 1));
      add(mark, "rect", { x, y: box.y - 21, width, height: 17, rx: 3 });
      add(mark, "text", { x: x + width / 2, y: box.y - 8.5 }).textContent = words;
      marks.push(mark);
    }
  }

  const itemOf = (node) => (node instanceof Element ? node.closest("svg.flatviz [data-a]") : null);
  const on = (type, handle) => document.addEventListener(type, handle);

  on("pointerover", (event) => {
    const item = itemOf(event.target);
    if (item) light(item);
    else if (current && current !== document.activeElement) clear();
  });
  on("focusin", (event) => itemOf(event.target) && light(itemOf(event.target)));
  on("focusout", (event) => itemOf(event.relatedTarget) || clear());
  on("keydown", (event) => {
    const item = itemOf(event.target);
    if (!item) return;
    const items = shown(item.closest("svg.flatviz"), "[data-a]");
    const at = items.indexOf(item);
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1 };
    const next = items[{ ...to, Home: 0, End: items.length - 1 }[event.key]];
    if (!next) return;
    event.preventDefault();
    item.setAttribute("tabindex", "-1");
    next.setAttribute("tabindex", "0");
    next.focus();
  });
})();
