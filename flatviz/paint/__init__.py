"""Painters: each turns a `Scene` into one output and nothing else (one file each)."""
