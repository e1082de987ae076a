"""Checker for lesson 01's exercise: the training loop, written by the student.

`check_train_epoch(train_epoch, data)` runs the student's `train_epoch(model, loss_fn, optimizer, batches)`
twice:
1. on a controlled case — one weight, three batches whose gradient is exactly 1, plain SGD with learning
   rate 0.1 — where every call to `zero_grad`, `backward` and `step` is recorded, so it can say precisely
   what is missing or in the wrong place (a loop without `zero_grad` moves the weight by 0.1 + 0.2 + 0.3
   instead of 3 × 0.1: the gradients pile up), whether the model was in training mode, and whether the
   returned number is the mean loss of the epoch;
2. on real digits: a fresh small autoencoder, one epoch with Adam, must lower its error on other digits.
It never raises for a wrong answer: it says what to fix, in the notebook's language.
"""
from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

from . import CheckResult, failed, is_empty, not_done, passed

PROBE_BATCHES = 3
PROBE_LR = 0.1
PROBE_START = 1.0  # the probe's weight before training; each batch's loss is the weight itself
REAL_IMAGES = 1024
REAL_BATCH = 64
HELD_OUT = 512


class _Probe(nn.Module):
    """One weight w; loss = w · mean(x) with x = 1, so every gradient is exactly 1. Records what happens."""

    def __init__(self, events: list[str]):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([PROBE_START]))
        self.events = events
        self.modes: list[bool] = []
        self.w.register_hook(self._on_gradient)

    def _on_gradient(self, grad: torch.Tensor) -> None:
        self.events.append("backward")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.modes.append(self.training)
        return (x * self.w).mean()

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.events.append("zero_grad")
        super().zero_grad(set_to_none)


class _SpySGD(torch.optim.SGD):
    """Plain SGD that records its zero_grad and step calls."""

    def __init__(self, params, events: list[str]):
        super().__init__(params, lr=PROBE_LR)
        self.events = events

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.events.append("zero_grad")
        super().zero_grad(set_to_none)

    def step(self, closure=None):
        self.events.append("step")
        return super().step(closure)


class _SmallAutoencoder(nn.Module):
    """A fresh dense autoencoder 784 → 64 → 16 → 64 → 784 for the check on real digits."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 16),
                                 nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 784), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).view(-1, 1, 28, 28)


def _error(err: Exception) -> str:
    return f"{type(err).__name__}: {str(err)[:300]}"


def _probe_loss(model: nn.Module, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
    return model(batch[0])


def check_train_epoch(train_epoch: object, data: object, seed: int = 0) -> CheckResult:
    """Check a student's `train_epoch(model, loss_fn, optimizer, batches) -> float`; prints what to fix."""
    if is_empty(train_epoch):
        return not_done("train_epoch")
    if not callable(train_epoch):
        return failed(f"train_epoch must be a function, got {type(train_epoch).__name__}.",
                      f"train_epoch एक function होना चाहिए; मिला {type(train_epoch).__name__}।")
    with torch.random.fork_rng(devices=[]):  # the notebook's own random numbers are not touched
        torch.manual_seed(seed)
        result = _check_probe(train_epoch)
        if result is not None:
            return result
        return _check_real_digits(train_epoch, data, seed)


def _check_probe(train_epoch) -> CheckResult | None:
    """The controlled case; a failed result, or None when the loop is right."""
    events: list[str] = []
    model = _Probe(events)
    optimizer = _SpySGD(model.parameters(), events)
    batches = [(torch.ones(4, 1), torch.zeros(4, dtype=torch.long)) for _ in range(PROBE_BATCHES)]
    model.eval()  # as helpers.evaluate leaves it: train_epoch must switch to training mode itself
    try:
        returned = train_epoch(model, _probe_loss, optimizer, batches)
    except Exception as err:  # noqa: BLE001 - the student's code: report, never raise
        return failed(f"train_epoch(model, loss_fn, optimizer, batches) raised {_error(err)}.",
                      f"train_epoch(model, loss_fn, optimizer, batches) चलाने से यह error आया: {_error(err)}।")
    moved = PROBE_START - model.w.item()
    expected = PROBE_BATCHES * PROBE_LR
    backwards, steps, zero_grads = events.count("backward"), events.count("step"), events.count("zero_grad")
    numbers_seen = (f"In a controlled case (3 batches, each gradient exactly 1, SGD with learning rate 0.1) the "
                    f"weight moved by {moved:.2f}; one correct step per batch moves it by {expected:.2f}.")
    numbers_seen_hi = (f"एक जाँचे हुए उदाहरण में (3 batches, हर gradient ठीक 1, learning rate 0.1 वाला SGD) भार "
                       f"{moved:.2f} खिसका; हर batch पर एक सही कदम उसे {expected:.2f} खिसकाता है।")
    if backwards == 0:
        return failed(f"loss.backward() is never called, so no gradients are computed and step() has nothing to "
                      f"follow. {numbers_seen}",
                      f"loss.backward() कभी नहीं चलता, इसलिए gradients बनते ही नहीं और step() के पास चलने के लिए "
                      f"कुछ नहीं होता। {numbers_seen_hi}")
    if steps == 0:
        return failed(f"optimizer.step() is never called: the gradients are computed, but the weights never "
                      f"change. {numbers_seen}",
                      f"optimizer.step() कभी नहीं चलता: gradients बनते हैं, लेकिन भार कभी नहीं बदलते। "
                      f"{numbers_seen_hi}")
    if backwards != PROBE_BATCHES or steps != PROBE_BATCHES:
        return failed(f"For {PROBE_BATCHES} batches your loop called backward() {backwards} times and step() "
                      f"{steps} times: both belong inside the loop over the batches, once per batch.",
                      f"{PROBE_BATCHES} batches के लिए आपके loop ने backward() {backwards} बार और step() {steps} "
                      f"बार चलाया: दोनों batches वाले loop के अंदर आते हैं, हर batch पर एक बार।")
    if zero_grads == 0:
        return failed(f"The gradients are never cleared. PyTorch adds each backward() to the gradients already "
                      f"stored, so without optimizer.zero_grad() every step follows the sum of all gradients so "
                      f"far. {numbers_seen} Call optimizer.zero_grad() once per batch, before loss.backward().",
                      f"Gradients कभी साफ़ नहीं होते। PyTorch हर backward() के gradients को पहले से रखे gradients "
                      f"में जोड़ देता है, इसलिए optimizer.zero_grad() के बिना हर कदम अब तक के सारे gradients के जोड़ "
                      f"पर चलता है। {numbers_seen_hi} हर batch पर, loss.backward() से पहले, एक बार "
                      f"optimizer.zero_grad() चलाएँ।")
    order_problem = _order_problem(events)
    if order_problem is not None:
        return order_problem
    if not math.isclose(moved, expected, abs_tol=1e-6):
        return failed(f"{numbers_seen} Each batch needs, in this order: loss = loss_fn(model, batch), "
                      f"optimizer.zero_grad(), loss.backward(), optimizer.step().",
                      f"{numbers_seen_hi} हर batch पर इसी क्रम में चाहिए: loss = loss_fn(model, batch), "
                      f"optimizer.zero_grad(), loss.backward(), optimizer.step()।")
    if not model.modes or not all(model.modes) or not model.training:
        return failed("The model was not in training mode: call model.train() at the start of train_epoch (the "
                      "validation pass, helpers.evaluate, leaves it in eval mode, where layers such as dropout and "
                      "batch norm behave differently).",
                      "Model training mode में नहीं था: train_epoch की शुरुआत में model.train() चलाएँ (validation "
                      "वाला हिस्सा, helpers.evaluate, उसे eval mode में छोड़ता है, जहाँ dropout और batch norm जैसी "
                      "परतें अलग तरह से चलती हैं)।")
    return _returned_problem(returned)


def _order_problem(events: list[str]) -> CheckResult | None:
    """zero_grad between backward and step, or not once per batch: a failed result, else None."""
    segment: list[str] = []
    for number, event in enumerate(events):
        if event != "step":
            segment.append(event)
            continue
        last_backward = max(i for i, e in enumerate(segment) if e == "backward") if "backward" in segment else -1
        if any(e == "zero_grad" for e in segment[last_backward + 1:]):
            return failed("zero_grad() runs between loss.backward() and optimizer.step(): it wipes the gradients "
                          "just before they are used, so the weights never move. Clear the gradients before "
                          "loss.backward().",
                          "zero_grad(), loss.backward() और optimizer.step() के बीच चलता है: यह gradients को "
                          "इस्तेमाल होने से ठीक पहले मिटा देता है, इसलिए भार कभी नहीं खिसकते। Gradients को "
                          "loss.backward() से पहले साफ़ करें।")
        first_step = "step" not in events[:number]
        if not first_step and "zero_grad" not in segment:
            return failed("zero_grad() is not called for every batch, so from the second batch on each step follows "
                          "the gradients of earlier batches too. Call optimizer.zero_grad() inside the loop, once "
                          "per batch, before loss.backward().",
                          "zero_grad() हर batch पर नहीं चलता, इसलिए दूसरे batch से हर कदम पिछले batches के gradients "
                          "पर भी चलता है। optimizer.zero_grad() को loop के अंदर, हर batch पर एक बार, loss.backward() "
                          "से पहले चलाएँ।")
        segment = []
    return None


def _returned_problem(returned: object) -> CheckResult | None:
    """Is `returned` the mean loss of the probe's epoch (1.0, 0.9, 0.8 → 0.9)? A failed result, else None."""
    losses = [PROBE_START - PROBE_LR * i for i in range(PROBE_BATCHES)]
    mean = sum(losses) / len(losses)
    if isinstance(returned, torch.Tensor):
        return failed("train_epoch returns a tensor: return a Python number, e.g. add loss.item() to the total. A "
                      "tensor that took part in training keeps the whole epoch's computation in memory.",
                      "train_epoch एक tensor लौटाता है: एक Python संख्या लौटाएँ, जैसे total में loss.item() जोड़ें। "
                      "Training में शामिल tensor पूरे epoch का हिसाब memory में रोके रखता है।")
    if returned is None:
        return failed("train_epoch returns nothing (None): end it with the mean loss of the epoch, e.g. "
                      "return total / count.",
                      "train_epoch कुछ नहीं लौटाता (None): आखिर में epoch का औसत loss लौटाएँ, जैसे "
                      "return total / count।")
    if not isinstance(returned, numbers.Real):
        return failed(f"train_epoch returns {type(returned).__name__}; it should return one number, the mean loss.",
                      f"train_epoch {type(returned).__name__} लौटाता है; इसे एक संख्या, यानी औसत loss, लौटाना चाहिए।")
    value = float(returned)
    if math.isclose(value, mean, rel_tol=1e-4):
        return None
    if math.isclose(value, losses[-1], rel_tol=1e-4):
        hint_en, hint_hi = "that is the last batch's loss", "यह आखिरी batch का loss है"
    elif math.isclose(value, sum(losses), rel_tol=1e-4) or math.isclose(value, 4 * sum(losses), rel_tol=1e-4):
        hint_en, hint_hi = "that is a sum: divide by the count", "यह जोड़ है: गिनती से भाग दें"
    else:
        hint_en, hint_hi = "", ""
    return failed(f"In the controlled case the three batches' losses were 1.0, 0.9 and 0.8, so train_epoch should "
                  f"return their mean, {mean:.2f}; it returned {value:.4g}" + (f" ({hint_en})." if hint_en else "."),
                  f"जाँचे हुए उदाहरण में तीनों batches के loss 1.0, 0.9 और 0.8 थे, इसलिए train_epoch को उनका औसत "
                  f"{mean:.2f} लौटाना चाहिए; इसने {value:.4g} लौटाया" + (f" ({hint_hi})।" if hint_hi else "।"))


def _check_real_digits(train_epoch, data: object, seed: int) -> CheckResult:
    """One epoch of the student's loop on real digits must lower a fresh autoencoder's error on other digits."""
    images = data.train_x
    n_train = min(REAL_IMAGES, len(images) - HELD_OUT)
    train_x = images[:n_train]
    held_out = images[n_train:n_train + HELD_OUT]
    model = _SmallAutoencoder().to(images.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(n_train, generator=generator).to(images.device)
    batches = [(train_x[order[i:i + REAL_BATCH]],) for i in range(0, n_train, REAL_BATCH)]
    seen: list[tuple[float, int]] = []

    def loss_fn(model: nn.Module, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x = batch[0]
        loss = F.binary_cross_entropy(model(x), x)
        seen.append((loss.item(), len(x)))
        return loss

    before = _bce(model, held_out)
    try:
        returned = train_epoch(model, loss_fn, optimizer, batches)
    except Exception as err:  # noqa: BLE001 - the student's code
        return failed(f"On real digits, train_epoch raised {_error(err)}.",
                      f"असली अंकों पर train_epoch चलाने से यह error आया: {_error(err)}।")
    after = _bce(model, held_out)
    mean = sum(loss * n for loss, n in seen) / max(1, sum(n for _, n in seen))
    if not isinstance(returned, numbers.Real) or not math.isclose(float(returned), mean, rel_tol=1e-3):
        return failed(f"On {n_train:,} real digits train_epoch returned {returned!r}; the mean loss of that epoch "
                      f"was {mean:.4f}.",
                      f"{n_train:,} असली अंकों पर train_epoch ने {returned!r} लौटाया; उस epoch का औसत loss {mean:.4f} "
                      f"था।")
    if not after < 0.8 * before:
        return failed(f"One epoch on {n_train:,} real digits took a fresh autoencoder's BCE on {len(held_out)} other "
                      f"digits from {before:.3f} to {after:.3f}: it should fall clearly.",
                      f"{n_train:,} असली अंकों पर एक epoch के बाद नए autoencoder का BCE {len(held_out)} दूसरे अंकों पर "
                      f"{before:.3f} से {after:.3f} हुआ: इसे साफ़ तौर पर घटना चाहिए।")
    return passed(f"Your training loop works. In the controlled case it clears, computes and applies the gradients "
                  f"once per batch, in that order, in training mode, and returns the mean loss. On {n_train:,} real "
                  f"digits, one epoch took a fresh autoencoder's BCE on {len(held_out)} other digits from "
                  f"{before:.3f} to {after:.3f}.",
                  f"आपका training loop काम करता है। जाँचे हुए उदाहरण में यह हर batch पर एक बार, इसी क्रम में, "
                  f"gradients साफ़ करता, निकालता और लागू करता है, training mode में, और औसत loss लौटाता है। "
                  f"{n_train:,} असली अंकों पर एक epoch में नए autoencoder का BCE {len(held_out)} दूसरे अंकों पर "
                  f"{before:.3f} से घटकर {after:.3f} हुआ।")


def _bce(model: nn.Module, x: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return F.binary_cross_entropy(model(x), x).item()
