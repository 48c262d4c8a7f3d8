"""mkdocs hooks of the site (listed under ``hooks:`` in mkdocs.yml)."""
