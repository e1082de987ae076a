"""A readable training loop: progress bar, per-epoch train/test loss, a loss plot, clean Ctrl-C."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import cache as _cache
from .cpu import share_cpu
from .lang import env_flag, fig_text, msg
from .plot import draw_losses, in_notebook, plot_losses

HEADLESS_ENV = "COURSE_HEADLESS"
LossFn = Callable[[nn.Module, tuple[torch.Tensor, ...]], torch.Tensor]


@dataclass
class History:
    """Mean loss per epoch on the training and test batches, and how the run ended."""

    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False


def _checked_loss(loss: torch.Tensor) -> torch.Tensor:
    if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
        shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise ValueError(msg(
            f"loss_fn must return one number (a 0-d tensor, e.g. a mean over the batch); got {shape}.",
            f"loss_fn को एक ही संख्या (0-d tensor, जैसे batch का mean) लौटानी चाहिए; मिला {shape}।",
        ))
    return loss


def evaluate(model: nn.Module, loss_fn: LossFn, batches: Iterable[tuple[torch.Tensor, ...]]) -> float:
    """Mean of `loss_fn(model, batch)` over `batches`, weighted by batch size, without gradients."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            n = len(batch[0])
            total += _checked_loss(loss_fn(model, batch)).item() * n
            count += n
    model.train(was_training)
    if count == 0:
        raise ValueError(msg("evaluate got no batches.", "evaluate को कोई batch नहीं मिला।"))
    return total / count


def train_epoch(model: nn.Module, loss_fn, optimizer: torch.optim.Optimizer, batches) -> float:
    """One pass over `batches` (forward, loss, zero_grad, backward, step); the mean loss per example.

    Defined in lesson 01 (section 4.1, "The training loop, written out"), where the student writes it;
    tests/test_exercises_lesson01.py checks that this copy and the lesson's are the same code.
    """
    model.train()
    total, count = 0.0, 0
    for batch in batches:
        loss = loss_fn(model, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch[0])
        count += len(batch[0])
    return total / count


def fit(model: nn.Module, loss_fn: LossFn, optimizer: torch.optim.Optimizer,
        train_batches: Iterable[tuple[torch.Tensor, ...]], epochs: int,
        test_batches: Iterable[tuple[torch.Tensor, ...]] | None = None, title: str | None = None,
        plot: bool = True, live: bool | None = None, cache: str | None = None) -> History:
    """Train `model` for `epochs` passes, minimising `loss_fn(model, batch)`.

    Returns a History and leaves the model in eval mode. Ctrl-C (or Jupyter's stop button) ends
    training cleanly: the model keeps its weights and the history so far is returned. The loss
    plot (`plot=True`) updates live in Jupyter and is drawn once at the end when headless
    (COURSE_HEADLESS=1, scripts, CI). With `cache="name"` the trained model and its history are kept
    (helpers/cache.py) and the next run loads them instead of training, drawing the same loss plot.
    """
    if cache is None:
        return _fit(model, loss_fn, optimizer, train_batches, epochs, test_batches, title, plot, live)
    history, loaded = _cache._load_or_train(cache, _fit, (model, loss_fn, optimizer, train_batches, epochs,
                                                          test_batches, title, plot, live), {})
    model.eval()
    if loaded and plot and history.train_loss:
        plot_losses(history.train_loss, history.test_loss, title)
    return history


def _fit(model: nn.Module, loss_fn: LossFn, optimizer: torch.optim.Optimizer,
         train_batches: Iterable[tuple[torch.Tensor, ...]], epochs: int,
         test_batches: Iterable[tuple[torch.Tensor, ...]] | None, title: str | None, plot: bool,
         live: bool | None) -> History:
    """The training loop of `fit`, without the cache."""
    if not isinstance(epochs, int) or epochs <= 0:
        raise ValueError(msg(f"epochs must be a positive whole number, got {epochs!r}.",
                           f"epochs एक धनात्मक पूर्णांक होना चाहिए, मिला {epochs!r}।"))
    live = (in_notebook() and not env_flag(HEADLESS_ENV)) if live is None else live
    history = History()
    live_plot = _LivePlot(title) if live and plot else None
    progress = _progress(epochs, title or fig_text("training", en="training"), live)
    start = time.perf_counter()
    model.train()
    try:
        for epoch in progress:
            share_cpu()
            total, count = 0.0, 0
            for batch in train_batches:
                loss = _checked_loss(loss_fn(model, batch))
                if not torch.isfinite(loss):
                    raise FloatingPointError(msg(
                        f"The loss became {loss.item()} in epoch {epoch + 1}: try a smaller learning rate.",
                        f"Epoch {epoch + 1} में loss {loss.item()} हो गया: छोटा learning rate आज़माएँ।",
                    ))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                n = len(batch[0])
                total += loss.item() * n
                count += n
            if count == 0:  # a generator is used up after one pass: never record a made-up loss of 0
                raise ValueError(msg(
                    f"train_batches gave no batches in epoch {epoch + 1}. An iterator or generator is used up "
                    f"after one pass; give something that can be looped over again, e.g. helpers.Batches(x, y) "
                    f"or a list of batches.",
                    f"Epoch {epoch + 1} में train_batches से कोई batch नहीं मिला। Iterator या generator एक बार "
                    f"चलने के बाद खाली हो जाता है; ऐसा कुछ दें जिस पर बार-बार loop चल सके, जैसे helpers.Batches(x, y) "
                    f"या batches की list।",
                ))
            history.train_loss.append(total / count)
            if test_batches is not None:
                history.test_loss.append(evaluate(model, loss_fn, test_batches))
            progress.set_postfix(_postfix(history))
            if live_plot:
                live_plot.update(history)
    except KeyboardInterrupt:
        history.interrupted = True
        print(msg(f"Training stopped by you after {len(history.train_loss)} full epochs; the model keeps what it "
                f"learned so far.",
                f"आपने training {len(history.train_loss)} पूरे epochs के बाद रोक दी; model ने अब तक जो सीखा वह "
                f"उसके पास है।"))
    finally:
        progress.close()
        history.seconds = time.perf_counter() - start
        model.eval()
    if live_plot:
        live_plot.close()
    elif plot and history.train_loss:
        plot_losses(history.train_loss, history.test_loss, title)
    return history


def _postfix(history: History) -> dict[str, str]:
    shown = {"train": f"{history.train_loss[-1]:.4f}"}
    if history.test_loss:
        shown["test"] = f"{history.test_loss[-1]:.4f}"
    return shown


def _progress(epochs: int, desc: str, live: bool):
    """An epoch progress bar: a widget in live Jupyter, plain text otherwise."""
    if live:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm(range(epochs), desc=desc, unit="epoch", mininterval=0.5 if live else 5.0)


class _LivePlot:
    """A loss plot that redraws in place in a Jupyter output after every epoch."""

    def __init__(self, title: str | None):
        from IPython.display import display

        self.title = title
        self.fig, self.ax = plt.subplots(figsize=(6, 3.5))
        self.handle = display(self.fig, display_id=True)

    def update(self, history: History) -> None:
        draw_losses(self.ax, history.train_loss, history.test_loss, self.title)
        self.fig.tight_layout()
        self.handle.update(self.fig)

    def close(self) -> None:
        plt.close(self.fig)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


