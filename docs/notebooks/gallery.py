# %% [markdown]
# # Diagram gallery in Jupyter
#
# flatviz in a notebook, the way you would use it in Jupyter. `flatviz.draw(x, start_dim)`
# returns a matplotlib figure that knows how to show itself: make it the last expression of
# a cell and the diagram appears below. `flatviz.explain(x, start_dim)` returns a plan; its
# text says what `torch.flatten(x, start_dim)` does and why.
#
# In each diagram the cells are coloured by their position in storage, the strip below
# shows storage in address order, and the path over the strip is the order in which
# flatten reads it. A reading path that runs straight through the strip is a view; one
# that jumps is a copy. The [View or copy?](../../view-or-copy/) page explains the rule.

# %%
import torch

import flatviz

t = torch.arange(6).reshape(2, 3).t()
flatviz.explain(t)

# %% [markdown]
# The plan's repr is the same text as `print(plan)`. Its fields hold the verdict and the
# numbers behind it:

# %%
plan = flatviz.explain(t)
print("result shape:", plan.shape)
print("view:", plan.is_view)
print("storage index of each result element:", plan.offsets().tolist())

# %% [markdown]
# ## transpose
#
# `transpose(1, 2)` swaps two sizes and their strides. The rows of the result would have to
# read memory with two different steps, so flatten copies.

# %%
base = torch.arange(24).reshape(2, 3, 4)
x = base.transpose(1, 2)
print(flatviz.explain(x, start_dim=1))
flatviz.draw(x, start_dim=1)

# %% [markdown]
# ## permute
#
# A permutation does not always force a copy. Here the last two dims have strides 12 and
# 4: stepping over a whole row of 3 by 4 lands exactly on the next index of the dim before
# (3 x 4 = 12), so flattening them is a view.

# %%
x = base.permute(2, 0, 1)
print(flatviz.explain(x, start_dim=1))
flatviz.draw(x, start_dim=1)

# %% [markdown]
# ## Step slicing
#
# Every other column: stride 2 in the last dim. Each row starts exactly where stepping by 2
# over the previous row would go next, so the whole tensor is one stride-2 run: a view.
# Taking every other *row* instead leaves gaps between rows, and flatten copies.

# %%
grid = torch.arange(32).reshape(4, 8)
x = grid[:, ::2]
print(flatviz.explain(x))
print("grid[::2] is a view:", flatviz.explain(grid[::2]).is_view)
flatviz.draw(x)

# %% [markdown]
# ## narrow: an offset
#
# `narrow(0, 1, 2)` keeps rows 1 and 2. The result starts at storage offset 6 but is
# contiguous from there, so flatten is a view with the same offset. Narrowing the columns
# cuts every row short, and flatten copies.

# %%
grid = torch.arange(24).reshape(4, 6)
x = grid.narrow(0, 1, 2)
print(flatviz.explain(x))
columns = grid.narrow(1, 1, 3)
print("grid.narrow(1, 1, 3) is a view:", flatviz.explain(columns).is_view)
flatviz.draw(x)

# %% [markdown]
# ## expand
#
# `expand` repeats values with stride 0: the 3 stored numbers appear 12 times. A flat
# result needs 12 separate elements, so flatten copies.

# %%
x = torch.arange(3).reshape(3, 1).expand(3, 4)
print(flatviz.explain(x))
flatviz.draw(x)

# %% [markdown]
# ## Overlapping as_strided
#
# Rows of 4 that start every 2 elements: rows share memory. No single stride reads
# 0 1 2 3 2 3 4 5 ..., so flatten copies.

# %%
x = torch.arange(8).as_strided((3, 4), (2, 1))
print(flatviz.explain(x))
flatviz.draw(x)

# %% [markdown]
# ## unfold
#
# Sliding windows of size 4 with step 2 are the same kind of overlapping view, made by
# `unfold`. Flatten copies.

# %%
x = torch.arange(10).unfold(0, 4, 2)
print(flatviz.explain(x))
flatviz.draw(x)

# %% [markdown]
# ## diagonal
#
# The diagonal of each 3x3 matrix: stride 4 (one row plus one column) inside a matrix and 9
# from one matrix to the next. 9 is not 3 x 4, so flatten copies.

# %%
x = torch.arange(18).reshape(2, 3, 3).diagonal(dim1=1, dim2=2)
print(flatviz.explain(x))
flatviz.draw(x)

# %% [markdown]
# ## A size-1 dim with an odd stride
#
# A dim of size 1 is never stepped over, so its stride (7 here) does not matter: flatten
# skips it, and the other two dims merge into a view.

# %%
x = torch.arange(12).as_strided((2, 1, 6), (6, 7, 1))
print(flatviz.explain(x))
flatviz.draw(x)

# %% [markdown]
# ## channels_last
#
# A channels_last tensor keeps the channels of one pixel together in memory. Flattening
# C, H and W in that order copies; flattening only H and W is a view.

# %%
x = base.reshape(2, 3, 2, 2)
x = x.contiguous(memory_format=torch.channels_last)
print(flatviz.explain(x, start_dim=1))
print("flatten(2) is a view:", flatviz.explain(x, start_dim=2).is_view)
flatviz.draw(x, start_dim=1)

# %% [markdown]
# ## A dark notebook
#
# The diagrams above use the light theme. In a dark Jupyter theme, ask for the dark one:

# %%
flatviz.draw(base.transpose(1, 2), start_dim=1, theme="dark")
