// The explorer's Python library, the zip Pyodide mounts at start-up: the standard modules
// that Pyodide and flatviz's live path import, and no others, plus flatviz's live modules,
// all as bytecode (.pyc, unchecked hash-based, compiled by Pyodide's own Python) and stored
// uncompressed (the site serves the whole zip gzip-compressed, which the browser unpacks
// natively: Python's own zlib would take ~0.1 s to inflate the modules at start-up). The
// page then neither downloads the other ~470 standard modules nor compiles any module.
//
// It starts Pyodide on its whole standard library with flatviz's sources in its home folder,
// renders each input, imports every standard module that flatviz's code names and every one
// that those modules' code names (also inside functions, where the lazy imports are, such as
// ast.unparse's), and keeps each module loaded from the library. Then it starts
// Pyodide again on the new zip alone and renders the inputs once more: a missing module, or
// an answer or a module list that differs, fails the build.
// Usage: node stdlib_pyc.mjs PYODIDE_DIR MODULES_JSON INPUTS_JSON OUT_ZIP
// (MODULES_JSON: {path: source} of flatviz's live modules; INPUTS_JSON: render's arguments.)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, modulesJson, inputsJson, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const modules = fs.readFileSync(modulesJson, "utf8");
const inputs = fs.readFileSync(inputsJson, "utf8");

// Renders the inputs; then finds the standard modules to import (on the whole library).
const RENDER = `
import ast, importlib, importlib.util, json, os, sys
from flatviz.live import render

answers = json.dumps([render(*given) for given in json.loads(inputs)], sort_keys=True)
`;

const FIND = `
def standard_names(source):
    """The standard modules a module's code imports, at its top or inside functions."""
    named = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            named.add(node.module)
    return {name for name in named if name.partition(".")[0] in sys.stdlib_module_names}

direct = set().union(*map(standard_names, json.loads(modules).values()))
named = set(direct)
for name in sorted(direct):
    spec = importlib.util.find_spec(name)
    if spec is not None and (spec.origin or "").endswith(".py"):
        named |= standard_names(spec.loader.get_source(name))
named = json.dumps(sorted(named))
`;

// Imports those modules and lists every module loaded from the library.
const IMPORT = `
for name in json.loads(named):
    try:
        importlib.import_module(name)
    except ImportError:  # not in Pyodide (pwd, grp): the page gets the same error
        pass
library = os.path.dirname(os.__file__) + "/"  # /lib/python3NN.zip/
used = json.dumps(sorted({
    module.__file__.removeprefix(library).removesuffix("c")  # x.pyc in the new zip
    for name, module in list(sys.modules.items())
    if (getattr(module, "__file__", None) or "").startswith(library)
    and name.partition(".")[0] != "flatviz"
}))
`;

const COMPILE = `
import importlib.util, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def pyc(name, source):
    code = compile(source, name, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), False))

with zipfile.ZipFile("/tmp/stdlib.zip") as stdlib:
    files = {name: (stdlib.read(name), stdlib.getinfo(name).external_attr)
             for name in json.loads(used)}
files.update({name: (source.encode(), 0o644 << 16) for name, source in json.loads(modules).items()})
with zipfile.ZipFile("/tmp/library.zip", "w", zipfile.ZIP_STORED) as target:
    for name, (source, mode) in sorted(files.items()):
        entry = zipfile.ZipInfo(name + "c", date_time=(1980, 1, 1, 0, 0, 0))
        entry.external_attr = mode
        target.writestr(entry, pyc(name, source))
`;

// A quiet Pyodide with the trace's inputs in its globals.
async function start(options) {
  const quiet = () => {};
  const py = await loadPyodide({ indexURL: dir + path.sep, stdout: quiet, stderr: quiet, ...options });
  py.globals.set("inputs", inputs);
  py.globals.set("modules", modules);
  return py;
}

const full = await start({});
for (const [file, source] of Object.entries(JSON.parse(modules))) {
  full.FS.mkdirTree(`/home/pyodide/${path.posix.dirname(file)}`);
  full.FS.writeFile(`/home/pyodide/${file}`, source);
}
full.runPython(RENDER + FIND + IMPORT);
full.FS.writeFile("/tmp/stdlib.zip", fs.readFileSync(path.join(dir, "python_stdlib.zip")));
full.runPython(COMPILE);
fs.writeFileSync(out, full.FS.readFile("/tmp/library.zip"));

const trimmed = await start({ stdLibURL: out });
trimmed.globals.set("named", full.globals.get("named"));
trimmed.runPython(RENDER + IMPORT);
if (!trimmed.runPython("sys.modules['flatviz'].__file__").startsWith("/lib/")) {
  throw new Error("the new zip's flatviz was not the one imported");
}
for (const name of ["answers", "used"]) {
  if (trimmed.globals.get(name) !== full.globals.get(name)) {
    throw new Error(`flatviz's ${name} differ on the new zip`);
  }
}
