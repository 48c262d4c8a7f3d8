"""Tools that build and check the docs site: themed figures, the sybil fence plugin, hooks.

Not part of the shipped package (the wheel packages only ``flatviz``).
"""
