// The explorer page: the real flatviz package, run in the browser by Pyodide.
//
// Pyodide's core and its library zip, which holds flatviz's modules, are served from
// pyodide/ (written by doctools/explorer_assets.py); nothing comes from another host.
// Python runs in a worker (worker.js), started by an inline script at the top of the page
// so that it loads alongside the page. Until it is up, the page shows the diagram drawn at
// build time. Every edit sends the form to flatviz.live.render, which runs the
// `flatviz` command in-process, and shows its SVG and plan, or its one error line while
// keeping the last good diagram. The view lives in the URL's query string. The form's
// data-flatviz-answered holds the query of the input last answered. On a phone the form
// sticks to the top of the screen (explorer.css), and focusing it scrolls the diagram up
// to just below it, so the diagram stays in view while the reader types. Nothing is
// logged to the console.

const FIELDS = ["expression", "start_dim", "end_dim", "name", "cell_text"];
const UNTIL_LIVE = " The diagram below was drawn when the site was built.";
// explorer.css's phone layout, and the gap it leaves between the form and the diagram.
const PHONE = window.matchMedia("(max-width: 40em)");
const GAP_PX = 8;

const form = document.querySelector("[data-flatviz-form]");
const status = document.querySelector("[data-flatviz-status]");
const error = document.querySelector("[data-flatviz-error]");
const live = document.querySelector("[data-flatviz-live]");
const plan = document.querySelector("[data-flatviz-plan]");
const command = document.querySelector("[data-flatviz-command]");
const download = document.querySelector("[data-flatviz-download]");

let worker = null;
let ready = false;
let busy = false; // a state is with the worker; at most one is, so edits never pile up
let queued = null; // the latest state not yet sent

function readForm() {
  return Object.fromEntries(FIELDS.map((field) => [field, form.elements[field].value]));
}

function fillForm(state) {
  for (const field of FIELDS) {
    if (state[field] !== undefined && state[field] !== null) {
      form.elements[field].value = state[field];
    }
  }
}

function defaultOf(element) {
  if (element.tagName === "SELECT") {
    return [...element.options].find((option) => option.defaultSelected).value;
  }
  return element.defaultValue;
}

function stateFromURL() {
  const params = new URLSearchParams(window.location.search);
  return Object.fromEntries(FIELDS.map((field) => [field, params.get(field)]));
}

function query(state) {
  return new URLSearchParams(state).toString();
}

function writeURL(state) {
  const url = `${window.location.pathname}?${query(state)}${window.location.hash}`;
  window.history.replaceState(null, "", url);
}

// The site's scroll box for a figure, as doctools/hooks.py writes it at build: named by the
// figure's title. javascripts/a11y.js makes it focusable while, and only while, it scrolls.
function scrollBox(svg) {
  const box = document.createElement("div");
  box.className = "fv-scroll";
  box.setAttribute("role", "group");
  box.innerHTML = svg;
  const title = box.querySelector("svg > title");
  box.setAttribute("aria-label", title ? title.textContent.trim().replace(/\s+/g, " ") : "Figure");
  return box;
}

// On a phone, scroll until the form is stuck below the header and the diagram starts just
// below it, unless the reader has already scrolled into the diagram.
function keepDiagramInView() {
  if (!PHONE.matches) {
    return;
  }
  const below = parseFloat(getComputedStyle(form).top) + form.offsetHeight + GAP_PX;
  const top = live.getBoundingClientRect().top;
  if (top > below + 1) {
    window.scrollBy({ top: top - below });
  }
}

function showError(message) {
  error.textContent = message;
  error.hidden = false;
  form.elements.expression.setAttribute("aria-invalid", "true");
  live.classList.add("fv-explorer__diagram--stale");
}

function show(view) {
  if (view.error !== undefined) {
    showError(view.error);
    return;
  }
  error.textContent = "";
  error.hidden = true;
  form.elements.expression.removeAttribute("aria-invalid");
  live.classList.remove("fv-explorer__diagram--stale");
  live.replaceChildren(scrollBox(view.svg));
  live.dataset.flatvizSource = "live";
  plan.textContent = view.plan;
  command.textContent = view.command;
  URL.revokeObjectURL(download.href);
  download.href = URL.createObjectURL(new Blob([view.svg], { type: "image/svg+xml" }));
  download.hidden = false;
}

// Send the latest state to the worker, unless it is busy with an earlier one.
function pump() {
  if (!ready || busy || queued === null) {
    return;
  }
  busy = true;
  worker.postMessage({ state: queued });
  queued = null;
}

function edited() {
  queued = readForm();
  writeURL(queued);
  pump();
}

function failed(message) {
  status.textContent = `Python could not start in this browser (${message}).${UNTIL_LIVE}`;
  form.dataset.flatvizState = "failed";
}

function onMessage({ data }) {
  if (data.type === "ready") {
    ready = true;
    performance.mark("flatviz-python");
    status.textContent = `Drawing…${UNTIL_LIVE}`;
    queued = readForm();
    pump();
  } else if (data.type === "failed") {
    failed(data.message);
  } else if (data.type === "view") {
    busy = false;
    show(data.view);
    form.dataset.flatvizAnswered = query(data.state);
    if (form.dataset.flatvizState !== "live") {
      form.dataset.flatvizState = "live";
      status.textContent = "Live: the diagram follows your edits.";
      performance.mark("flatviz-live");
    }
    pump();
  }
}

function setUp() {
  const fromURL = stateFromURL();
  if (FIELDS.some((f) => fromURL[f] !== null && fromURL[f] !== defaultOf(form.elements[f]))) {
    live.classList.add("fv-explorer__diagram--stale");
  }
  fillForm(fromURL);
  form.addEventListener("input", edited);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("focusin", () => requestAnimationFrame(keepDiagramInView));
  for (const button of document.querySelectorAll("[data-preset]")) {
    button.addEventListener("click", () => {
      fillForm({
        expression: button.dataset.expression,
        start_dim: button.dataset.startDim,
        end_dim: button.dataset.endDim,
        name: button.dataset.name,
      });
      edited();
    });
  }
  // The page's inline script started the worker while the page loaded (docs/explorer.md).
  let early = [];
  try {
    if (window.flatvizWorker) {
      ({ worker, early } = window.flatvizWorker());
    } else {
      worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
    }
  } catch (err) {
    failed(err.message);
    return;
  }
  const stopped = (event) => {
    event.preventDefault();
    failed(event.message || "the worker stopped");
  };
  status.textContent = `Starting Python…${UNTIL_LIVE}`;
  worker.addEventListener("message", onMessage);
  worker.addEventListener("error", stopped);
  for (const event of early) {
    (event.type === "error" ? stopped : onMessage)(event);
  }
}

setUp();
