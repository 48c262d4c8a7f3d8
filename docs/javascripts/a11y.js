// Keyboard and screen-reader fixes the theme leaves open. The search dialog gets a name.
// A box that scrolls sideways (a figure's .fv-scroll box from doctools/hooks.py, a wide
// table, a notebook code cell) takes keyboard focus exactly while it has something to
// scroll, as Material's own code blocks do: the keyboard can scroll it, and Tab stops
// nowhere else.
const SCROLLERS = ".fv-scroll, .md-typeset__scrollwrap, .jupyter-wrapper .highlight-ipynb";

document.querySelector(".md-search[role='dialog']")?.setAttribute("aria-label", "Search");

function fit(box) {
  if (box.scrollWidth > box.clientWidth) {
    box.tabIndex = 0;
  } else {
    box.removeAttribute("tabindex");
  }
}

// A box's width and its content's (a figure redrawn by the explorer) both decide.
const resized = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    fit(target.closest(SCROLLERS));
  }
});

function watch(root) {
  const boxes = [...root.querySelectorAll(SCROLLERS)];
  if (root.matches?.(SCROLLERS)) {
    boxes.push(root);
  }
  for (const box of boxes) {
    resized.observe(box);
    if (box.firstElementChild) {
      resized.observe(box.firstElementChild);
    }
  }
}

watch(document);
new MutationObserver((changes) => {
  for (const change of changes) {
    for (const node of change.addedNodes) {
      if (node instanceof Element) {
        watch(node);
      }
    }
  }
}).observe(document.querySelector(".md-content") ?? document.body, {
  childList: true,
  subtree: true,
});
