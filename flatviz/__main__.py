"""`python -m flatviz`: the same command as the `flatviz` console script."""

from flatviz.cli import main

raise SystemExit(main())
