# %% [markdown]
# # What a wrong flatten does to training
#
# A small classifier, `Conv2d -> ReLU -> Flatten -> Linear`, learns scikit-learn's digits
# (1797 images of 8x8 pixels, shipped inside scikit-learn). We keep the data split, the seeds
# and the model fixed, and change only the line that flattens the feature maps. Each variant
# is trained with 3 seeds on the CPU, and we report what was measured on the test set.
#
# The variants:
#
# | Variant | Flatten in training | Flatten at test |
# | --- | --- | --- |
# | correct | `x.flatten(1)` | `x.flatten(1)` |
# | batch mix (transpose) | `x.transpose(0, 1).reshape(n, -1)` | same |
# | batch mix (reshape) | `x.reshape(-1, n).t()` | same |
# | NHWC | `x.permute(0, 2, 3, 1).flatten(1)` | same |
# | port bug | `x.flatten(1)` (NCHW) | `x.permute(0, 2, 3, 1).flatten(1)` (NHWC) |
#
# Every one of them returns a tensor of shape `(n, 512)`, so nothing crashes. One more
# variant, `start_dim=0`, does crash, and we show its error.

# %%
import matplotlib
import numpy as np
import torch
from IPython.display import Markdown, display
from matplotlib.figure import Figure
from sklearn.datasets import load_digits
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import train_test_split
from torch import nn

from doctools.figures import DATA, MUTED, SITE_RC, InlineFigure

# Same results on the same machine: fixed seeds, deterministic
# kernels, and one thread (the model is tiny).
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)

# Figures are inline SVG with real text, in ink that follows the page's light or dark theme.
matplotlib.rcParams.update(SITE_RC)

# %% [markdown]
# ## The data
#
# Pixel values run from 0 to 16; we scale them to [0, 1] and add a channel dim, so one
# batch has the layout `(n, 1, 8, 8)`. The split is fixed (`random_state=0`) and
# stratified: every digit appears in the test set in the same proportion as in the whole
# set.

# %%
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32)
images = images.unsqueeze(1) / 16
labels = torch.tensor(digits.target)
train_idx, test_idx = train_test_split(
    np.arange(len(labels)),
    test_size=0.3,
    random_state=0,
    stratify=digits.target,
)
x_train, y_train = images[train_idx], labels[train_idx]
x_test, y_test = images[test_idx], labels[test_idx]
print("train:", tuple(x_train.shape), " test:", tuple(x_test.shape))
print("test images per digit:", torch.bincount(y_test).tolist())

# %% [markdown]
# ## The flatten variants
#
# The convolution gives feature maps of shape `(n, 8, 8, 8)`: 8 channels of 8x8. The
# `Linear` layer needs one row of 512 numbers per image.


# %%
def flatten_correct(x):
    return x.flatten(1)


def flatten_mix_transpose(x):
    return x.transpose(0, 1).reshape(x.shape[0], -1)


def flatten_mix_reshape(x):
    return x.reshape(-1, x.shape[0]).t()


def flatten_nhwc(x):
    return x.permute(0, 2, 3, 1).flatten(1)


FLATTENS = {
    "correct": flatten_correct,
    "batch mix (transpose)": flatten_mix_transpose,
    "batch mix (reshape)": flatten_mix_reshape,
    "NHWC": flatten_nhwc,
}

# %% [markdown]
# All four give the right shape. To see which images each row is made of, fill every
# image of a batch of 16 with its own index and look at the numbers in the first rows.


# %%
def images_in(row):
    ids = sorted(set(row.tolist()))
    if len(ids) == 1:
        return f"image {ids[0]}"
    if ids == list(range(ids[0], ids[-1] + 1)):
        return f"images {ids[0]}..{ids[-1]}"
    return "images " + ", ".join(map(str, ids))


n = 16
probe = torch.arange(n).view(n, 1, 1, 1).expand(n, 8, 8, 8)
for name, flatten in FLATTENS.items():
    rows = flatten(probe)
    print(f"{name}: shape {tuple(rows.shape)}")
    for i in range(3):
        print(f"  row {i} holds {images_in(rows[i])}")

# %% [markdown]
# The correct flatten and the NHWC flatten keep each image in its own row; they differ
# only in the order of the 512 numbers inside a row. Both batch-mix bugs build a row out of
# parts of several images: row 1 of the transpose bug holds no pixel of image 1 at all,
# and every row of the reshape bug holds a bit of all 16. The rows also depend on which
# images share the batch, so the same image gives different features in another batch.

# %% [markdown]
# ## The model and the training loop
#
# One convolution with 8 channels, ReLU, the flatten under test, one `Linear(512, 10)`.
# Adam, 15 epochs, batches of 64, the batch order drawn from a generator seeded like the
# weights. After every epoch we record the training loss and the test accuracy; the
# correct model is also scored with the NHWC flatten, which is the port bug.


# %%
class Net(nn.Module):
    def __init__(self, flatten):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.flatten = flatten
        self.fc = nn.Linear(8 * 8 * 8, 10)

    def forward(self, x):
        return self.fc(self.flatten(torch.relu(self.conv(x))))


@torch.no_grad()
def predict(model, x, batch_size=64):
    model.eval()
    out = [model(xb).argmax(1) for xb in x.split(batch_size)]
    model.train()
    return torch.cat(out)


def accuracy(model, x, y):
    return (predict(model, x) == y).float().mean().item()


def train(flatten, seed, epochs=15, batch_size=64, lr=3e-3):
    torch.manual_seed(seed)
    order = torch.Generator().manual_seed(seed)
    model = Net(flatten)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"loss": [], "test": [], "port": []}
    for _ in range(epochs):
        losses = []
        perm = torch.randperm(len(y_train), generator=order)
        for batch in perm.split(batch_size):
            logits = model(x_train[batch])
            loss = nn.functional.cross_entropy(logits, y_train[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        history["loss"].append(float(np.mean(losses)))
        history["test"].append(accuracy(model, x_test, y_test))
        if flatten is flatten_correct:
            # The port bug: weights trained on NCHW, features in NHWC.
            model.flatten = flatten_nhwc
            history["port"].append(accuracy(model, x_test, y_test))
            model.flatten = flatten_correct
    return model, history


# %% [markdown]
# ## Training: 4 flattens x 3 seeds

# %%
SEEDS = [0, 1, 2]
runs = {}
for name, flatten in FLATTENS.items():
    runs[name] = [train(flatten, seed) for seed in SEEDS]


def stack(key, name):
    return np.array([h[key] for _, h in runs[name]])


curves = {name: stack("test", name) for name in FLATTENS}
curves["port bug"] = stack("port", "correct")
losses = {name: stack("loss", name) for name in FLATTENS}
final = {name: c[:, -1] for name, c in curves.items()}

# %% [markdown]
# ## Test accuracy per variant
#
# Accuracy on the 540 test images after the last epoch: mean and standard deviation over
# the 3 seeds, and each seed's value. With 10 balanced classes, guessing scores about
# 10 %.

# %%
lines = [
    "| Variant | Mean | Std | Seeds 0, 1, 2 |",
    "| --- | ---: | ---: | --- |",
]
for name, acc in final.items():
    seeds = ", ".join(f"{a:.1%}" for a in acc)
    mean, std = f"{acc.mean():.1%}", f"{acc.std():.1%}"
    lines.append(f"| {name} | {mean} | {std} | {seeds} |")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Learning curves
#
# Mean over the 3 seeds. The port bug has no training curve of its own: it is the correct
# model, scored with features in the other order.

# %%
# 566 px wide: the notebook's output column beside the Out[n] prompt, so nothing shrinks.
fig = Figure(figsize=(5.9, 5.8), layout="constrained")
ax_loss, ax_acc = fig.subplots(2, 1)
epochs = np.arange(1, curves["correct"].shape[1] + 1)
styles = {
    "correct": (DATA[0], "-"),
    "NHWC": (DATA[2], "--"),
    "batch mix (transpose)": (DATA[1], "-"),
    "batch mix (reshape)": (DATA[4], "-."),
    "port bug": (DATA[3], ":"),
}
for name, (colour, line) in styles.items():
    style = {"color": colour, "label": name, "lw": 2}
    if name in losses:
        ax_loss.plot(epochs, losses[name].mean(0), line, **style)
    ax_acc.plot(epochs, 100 * curves[name].mean(0), line, **style)
ax_loss.set(
    xlabel="epoch",
    ylabel="training loss (cross-entropy)",
    title="Training loss",
)
ax_acc.set(
    xlabel="epoch",
    ylabel="test accuracy (%)",
    title="Test accuracy",
    ylim=(0, 100),
)
ax_acc.axhline(10, color=MUTED, lw=0.8)
ax_acc.legend(loc="center right")
InlineFigure(
    fig,
    "Training loss and test accuracy per epoch, mean of 3 seeds, for each flatten variant;"
    " a line at 10% accuracy marks chance",
)

# %% [markdown]
# ## What was measured
#
# - The **correct** flatten reaches about 97 % on the test set, and the **NHWC** flatten
#   used in both training and test reaches the same. `Linear` does not care in which order
#   its inputs come, as long as the order is always the same: training simply learns the
#   weights in that order.
# - Both **batch-mix** bugs stay at chance, about 10 %, and their training loss barely
#   moves from ln 10 = 2.30. A row mixes pixels of other images, which change with every
#   batch, so there is nothing to learn. A loss that does not drop is the visible symptom.
# - The **port bug** trains perfectly (it *is* the correct model) and then scores about
#   10 % too: the weights expect channel-major features and get pixel-major ones. No curve
#   during training warns about it; only a test in the target layout does.
#
# The folklore says a wrong flatten costs some accuracy, "90 % instead of 50 %". That is
# not what happened here: each wrong flatten was either harmless (a fixed reordering,
# learned around) or ruinous (mixed images, or weights applied to a different order).
# That is one dataset, one small model and 3 seeds, not a law. The same bugs can also
# do no harm at all in other settings: the NHWC order is the NCHW order when there is a
# single channel, and the transpose batch mix changes nothing in a batch of one (both
# checked in the next cell). What this notebook does show is that the damage need not be
# mild, and that nothing crashes.

# %%
one_channel = torch.randn(4, 1, 8, 8)
print("C = 1, NHWC == NCHW:", torch.equal(flatten_nhwc(one_channel), flatten_correct(one_channel)))
batch_of_one = torch.randn(1, 8, 8, 8)
same = torch.equal(flatten_mix_transpose(batch_of_one), flatten_correct(batch_of_one))
print("batch of one, batch mix == correct:", same)

# %% [markdown]
# The port bug in numbers: each row holds the same 512 values in both layouts, only in a
# different order, and the ported model answers almost always with the same digit.

# %%
model, _ = runs["correct"][0]
with torch.no_grad():
    maps = torch.relu(model.conv(x_test[:64]))
nchw, nhwc = flatten_correct(maps), flatten_nhwc(maps)
same = torch.equal(nchw.sort(1).values, nhwc.sort(1).values)
print("same values in every row:", same)
print("same order:", torch.equal(nchw, nhwc))
model.flatten = flatten_nhwc
ported = predict(model, x_test)
model.flatten = flatten_correct
counts = torch.bincount(ported, minlength=10).tolist()
print("port bug, predictions per digit:", counts)

# %% [markdown]
# ## start_dim=0: a crash, except for one image
#
# `torch.flatten(x, 0)` merges the batch dim too, giving one long vector for the whole
# batch. `Linear` then sees 32768 inputs where it expects 512 and raises:

# %%
crashing = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.Flatten(start_dim=0),
    nn.Linear(512, 10),
)
try:
    crashing(x_test[:64])
except RuntimeError as error:
    print(f"RuntimeError: {error}")

# %% [markdown]
# With a batch of one image the vector has exactly 512 entries, and `Linear` accepts a
# 1-d input, so the same model runs and returns 10 scores with no batch dim. The bug hides
# in one-image tests and shows up with the first real batch.

# %%
print("batch of 1 ->", tuple(crashing(x_test[:1]).shape))
one = torch.zeros(1, 8, 8, 8)
print("flatten(1) ->", tuple(nn.Flatten()(one).shape))

# %% [markdown]
# ## The correct model in detail
#
# Seed 0 of the correct variant: its confusion matrix on the test set (rows: true digit,
# columns: predicted digit) and per-class precision and recall.

# %%
model, _ = runs["correct"][0]
truth = y_test.numpy()
predicted = predict(model, x_test).numpy()
matrix = confusion_matrix(truth, predicted)
fig = Figure(figsize=(4.6, 4.2), layout="constrained")
ax = fig.add_subplot()
edges = np.arange(11) - 0.5  # vector cells centred on 0..9
ax.pcolormesh(edges, edges, matrix, cmap="viridis")
ax.set_aspect("equal")
ax.invert_yaxis()
for (i, j), count in np.ndenumerate(matrix):
    if count:
        ink = "#111111" if count > matrix.max() / 2 else "white"
        ax.text(j, i, str(count), ha="center", va="center", color=ink)
ax.set(
    xticks=range(10),
    yticks=range(10),
    xlabel="predicted digit",
    ylabel="true digit",
    title=f"Correct flatten, seed 0: {(predicted == truth).mean():.1%}",
)
InlineFigure(
    fig,
    "Confusion matrix of the correct model, seed 0, on the test set: true digit by row,"
    " predicted digit by column, with the count in each non-empty cell",
)

# %%
print(classification_report(truth, predicted, digits=3))
