"""The doctor's corpus: broken models from public bug reports, sound models from the zoos.

Each `broken_*.py` is one model from a public report (its URL in the module docstring),
standalone so that a patched copy imports anywhere. The `sound_*.py` modules build
architectures of torchvision, timm and transformers with random weights, never downloading.
"""
