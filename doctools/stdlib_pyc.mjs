// Precompile Pyodide's standard library: write a copy of python_stdlib.zip whose modules
// are bytecode (.pyc, unchecked hash-based, compiled by Pyodide's own Python) instead of
// source, so the page does not compile ~200 modules from source every time it starts.
// Usage: node stdlib_pyc.mjs PYODIDE_DIR OUT_ZIP
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: dir + path.sep });
py.FS.writeFile("/tmp/stdlib.zip", fs.readFileSync(path.join(dir, "python_stdlib.zip")));
py.runPython(`
import importlib.util, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

with zipfile.ZipFile("/tmp/stdlib.zip") as source, zipfile.ZipFile(
    "/tmp/stdlib-pyc.zip", "w", zipfile.ZIP_DEFLATED
) as target:
    for info in sorted(source.infolist(), key=lambda i: i.filename):
        data = source.read(info)
        name = info.filename
        if name.endswith(".py"):
            code = compile(data, name, "exec", dont_inherit=True)
            data = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), False))
            name += "c"
        fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        fixed.external_attr = info.external_attr
        fixed.compress_type = zipfile.ZIP_DEFLATED
        target.writestr(fixed, data)
`);
fs.writeFileSync(out, py.FS.readFile("/tmp/stdlib-pyc.zip"));
