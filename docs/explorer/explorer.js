// The explorer page: the real flatviz package, run in the browser by Pyodide.
//
// Pyodide's core and flatviz's modules are served from this folder (pyodide/ and
// flatviz-modules.json, written by doctools/explorer_assets.py); nothing comes from another
// host. Until Python is up, the page shows the diagram drawn at build time. Every edit
// calls flatviz.live.render, which runs the `flatviz` command in-process, and shows its SVG
// and plan, or its one error line while keeping the last good diagram. The view lives in
// the URL's query string. Nothing is logged to the console.

const FIELDS = ["expression", "start_dim", "end_dim", "name", "labels"];
const HERE = new URL(".", import.meta.url);
const PYODIDE = new URL("pyodide/", HERE).href;

const form = document.querySelector("[data-flatviz-form]");
const status = document.querySelector("[data-flatviz-status]");
const error = document.querySelector("[data-flatviz-error]");
const live = document.querySelector("[data-flatviz-live]");
const plan = document.querySelector("[data-flatviz-plan]");
const command = document.querySelector("[data-flatviz-command]");
const download = document.querySelector("[data-flatviz-download]");

const UNTIL_LIVE = " The diagram below was drawn when the site was built.";

let render = null;
let pending = false;

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

function defaults() {
  return Object.fromEntries(FIELDS.map((field) => [field, defaultOf(form.elements[field])]));
}

function stateFromURL() {
  const params = new URLSearchParams(window.location.search);
  return Object.fromEntries(FIELDS.map((field) => [field, params.get(field)]));
}

function writeURL(state) {
  const params = new URLSearchParams(state);
  const url = `${window.location.pathname}?${params}${window.location.hash}`;
  window.history.replaceState(null, "", url);
}

function showError(message) {
  error.textContent = message;
  error.hidden = false;
  form.elements.expression.setAttribute("aria-invalid", "true");
  live.classList.add("fv-explorer__diagram--stale");
}

function clearError() {
  error.textContent = "";
  error.hidden = true;
  form.elements.expression.removeAttribute("aria-invalid");
  live.classList.remove("fv-explorer__diagram--stale");
}

// Run the command on the form's input and show what it made.
function update() {
  pending = false;
  answer(readForm());
  form.dataset.flatvizAnswered = Number(form.dataset.flatvizAnswered) + 1;
}

function answer(state) {
  let view;
  try {
    const result = render(
      state.expression, state.start_dim, state.end_dim, state.name, state.labels);
    view = result.toJs({ dict_converter: Object.fromEntries });
    result.destroy();
  } catch (err) {
    // The command answers bad input itself; reaching here is a bug in flatviz.
    showError(`flatviz: internal error: ${String(err.message).trim().split("\n").pop()}`);
    return;
  }
  if (view.error !== undefined) {
    showError(view.error);
    return;
  }
  clearError();
  live.innerHTML = view.svg;
  live.dataset.flatvizSource = "live";
  plan.textContent = view.plan;
  command.textContent = view.command;
  URL.revokeObjectURL(download.href);
  download.href = URL.createObjectURL(new Blob([view.svg], { type: "image/svg+xml" }));
  download.hidden = false;
}

function schedule() {
  writeURL(readForm());
  if (render !== null && !pending) {
    pending = true;
    window.setTimeout(update, 0);
  }
}

async function fetchModules() {
  const response = await fetch(new URL("flatviz-modules.json", HERE));
  if (!response.ok) {
    throw new Error(`flatviz-modules.json: HTTP ${response.status}`);
  }
  return response.json();
}

function writeModules(pyodide, modules) {
  // Pyodide starts in /home/pyodide, which is on sys.path.
  for (const [path, source] of Object.entries(modules)) {
    pyodide.FS.mkdirTree(`/home/pyodide/${path.slice(0, path.lastIndexOf("/"))}`);
    pyodide.FS.writeFile(`/home/pyodide/${path}`, source);
  }
}

async function start() {
  const modules = fetchModules();
  modules.catch(() => {}); // reported by the await below, not as an unhandled rejection
  const { loadPyodide } = await import(new URL("pyodide.mjs", PYODIDE).href);
  const ignore = () => {};
  status.textContent = `Starting Python…${UNTIL_LIVE}`;
  const pyodide = await loadPyodide({
    indexURL: PYODIDE,
    // Packages would resolve here (never the CDN); the lockfile lists none.
    packageBaseUrl: PYODIDE,
    stdout: ignore,
    stderr: ignore,
  });
  status.textContent = `Loading flatviz…${UNTIL_LIVE}`;
  writeModules(pyodide, await modules);
  render = pyodide.pyimport("flatviz.live").render;
  update();
  status.textContent = "Live: the diagram follows your edits.";
  form.dataset.flatvizState = "live";
  performance.mark("flatviz-live");
}

function setUp() {
  const fromURL = stateFromURL();
  const changed = FIELDS.some((f) => fromURL[f] !== null && fromURL[f] !== defaults()[f]);
  fillForm(fromURL);
  if (changed) {
    live.classList.add("fv-explorer__diagram--stale");
  }
  form.addEventListener("input", schedule);
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const button of form.querySelectorAll("[data-preset]")) {
    button.addEventListener("click", () => {
      fillForm({
        expression: button.dataset.expression,
        start_dim: button.dataset.startDim,
        end_dim: button.dataset.endDim,
        name: button.dataset.name,
      });
      schedule();
    });
  }
  start().catch((err) => {
    status.textContent = `Python could not start in this browser (${err.message}); the diagram stays the one drawn at build time.`;
    form.dataset.flatvizState = "failed";
  });
}

setUp();
