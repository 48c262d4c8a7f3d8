// The explorer's Python: Pyodide and the flatviz package, in a worker so that the page
// stays responsive while Python starts.
//
// Messages in: {state} (the form's fields). Messages out: {type: "ready"} once, then
// {type: "view", state, view} per state, where view is flatviz.live.render's dict; or
// {type: "failed", message} if Python cannot start. Nothing is logged to the console.

import { loadPyodide } from "./pyodide/pyodide.mjs";

const PYODIDE = new URL("pyodide/", import.meta.url).href;
// The files the site serves gzip-compressed (doctools/explorer_assets.py), by type: when
// Pyodide fetches one, it gets NAME.gz, unpacked by the browser as it streams in. The
// library zip holds flatviz's modules too, so Python imports them from there.
const PACKED = new Map([
  [`${PYODIDE}pyodide.asm.wasm`, "application/wasm"],
  [`${PYODIDE}python_stdlib.zip`, "application/zip"],
]);

const serverFetch = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  const type = PACKED.get(String(resource));
  if (type === undefined) {
    return serverFetch(resource, options);
  }
  const response = await serverFetch(`${resource}.gz`);
  if (!response.ok || response.body === null) {
    return response;
  }
  const body = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Response(body, { headers: { "Content-Type": type } });
};

async function start() {
  const ignore = () => {};
  const pyodide = await loadPyodide({
    indexURL: PYODIDE,
    // Packages would resolve here (never the CDN); the lockfile lists none.
    packageBaseUrl: PYODIDE,
    stdout: ignore,
    stderr: ignore,
  });
  return pyodide.pyimport("flatviz.live").render;
}

function answer(render, state) {
  try {
    const result = render(
      state.expression, state.start_dim, state.end_dim, state.name, state.cell_text);
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
