"""mkdocs hook: guard the lunr bug in Material's search worker that empties the results.

lunr 2.3.9 (unmaintained since 2020, bundled in Material's worker) expands a query term
through a minimised token automaton, which can yield a word that is not in the index; the
query then reads ``_index`` of undefined, and the search box shows "No matching
documents" for the whole query. Pasting ``shape '[-1, 400]' is invalid for input of size
1024`` met it, once the site's index held certain numbers (which depends on every page's
text). The guard skips an expanded word the index does not hold, as if it were never
expanded. The pattern is of the pinned Material version; the build fails if it is not
found exactly once, so an upgrade cannot drop the guard unseen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

#: The loop over a term's expansions, as Material's minified worker has it, and the same
#: loop skipping a word the inverted index does not hold (its field loop never runs).
UNGUARDED = "for(var E=v[b],w=this.invertedIndex[E],R=w._index,d=0;d<c.fields.length;d++)"
GUARDED = (
    "for(var E=v[b],w=this.invertedIndex[E],R=w?w._index:0,d=w?0:c.fields.length;"
    "d<c.fields.length;d++)"
)


def guard(worker: str) -> str:
    """The worker's code with the expansion loop guarded; PluginError where it is not once."""
    count = worker.count(UNGUARDED)
    if count != 1:
        raise PluginError(f"search_fix: the lunr expansion loop occurs {count} times, not once")
    return worker.replace(UNGUARDED, GUARDED)


def on_post_build(config: Any, **_: Any) -> None:
    """mkdocs event: patch the search worker the build copied into the site."""
    workers = sorted(Path(config["site_dir"], "assets/javascripts/workers").glob("search.*.js"))
    if len(workers) != 1:
        raise PluginError(f"search_fix: expected one search worker, found {len(workers)}")
    workers[0].write_text(guard(workers[0].read_text(encoding="utf-8")), encoding="utf-8")
