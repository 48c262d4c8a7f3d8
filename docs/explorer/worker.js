// The explorer's Python: Pyodide and the flatviz package, in a worker so that the page
// stays responsive while Python starts.
//
// Messages in: {state} (the form's fields). Messages out: {type: "ready"} once, then
// {type: "view", state, view} per state, where view is flatviz.live.render's dict; or
// {type: "failed", message} if Python cannot start. Nothing is logged to the console.

import { loadPyodide } from "./pyodide/pyodide.mjs";

const PYODIDE = new URL("pyodide/", import.meta.url).href;

async function fetchModules() {
  const response = await fetch(new URL("flatviz-modules.json", import.meta.url));
  if (!response.ok) {
    throw new Error(`flatviz-modules.json: HTTP ${response.status}`);
  }
  return response.json();
}

async function start() {
  const modules = fetchModules();
  modules.catch(() => {}); // reported by the await below, not as an unhandled rejection
  const ignore = () => {};
  const pyodide = await loadPyodide({
    indexURL: PYODIDE,
    // Packages would resolve here (never the CDN); the lockfile lists none.
    packageBaseUrl: PYODIDE,
    stdout: ignore,
    stderr: ignore,
  });
  // Pyodide starts in /home/pyodide, which is on sys.path.
  for (const [path, source] of Object.entries(await modules)) {
    pyodide.FS.mkdirTree(`/home/pyodide/${path.slice(0, path.lastIndexOf("/"))}`);
    pyodide.FS.writeFile(`/home/pyodide/${path}`, source);
  }
  return pyodide.pyimport("flatviz.live").render;
}

function answer(render, state) {
  try {
    const result = render(
      state.expression, state.start_dim, state.end_dim, state.name, state.labels);
    const view = result.toJs({ dict_converter: Object.fromEntries });
    result.destroy();
    return view;
  } catch (err) {
    // The command answers bad input itself; reaching here is a bug in flatviz.
    const last = String(err.message).trim().split("\n").pop();
    return { error: `flatviz: internal error: ${last}` };
  }
}

const ready = start();

ready.then(
  () => self.postMessage({ type: "ready" }),
  (err) => self.postMessage({ type: "failed", message: String(err.message || err) }),
);

self.addEventListener("message", async ({ data }) => {
  let render;
  try {
    render = await ready;
  } catch {
    return; // already reported as "failed"
  }
  self.postMessage({ type: "view", state: data.state, view: answer(render, data.state) });
});
