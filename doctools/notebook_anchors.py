"""mkdocs hook: keep the pilcrow of a notebook heading's anchor out of search results.

nbconvert ends each notebook heading with ``<a class="anchor-link">¶</a>``. Material's
search indexer skips only its own ``headerlink`` anchors, so a notebook heading appeared in
results as "Setup¶". ``data-search-exclude`` makes the indexer skip the anchor's text.
"""

from __future__ import annotations

from typing import Any

ANCHOR = '<a class="anchor-link"'


def on_page_content(html: str, **kwargs: Any) -> str:
    """Mark every notebook heading anchor as excluded from the search index."""
    return html.replace(ANCHOR, f"{ANCHOR} data-search-exclude")
