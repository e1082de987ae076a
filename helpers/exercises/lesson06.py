"""Lesson 06 (pretrained models): the checker of the fine-tuning exercise, and the course's answer that the
comparison falls back to while a student's answer is not ready (so that "Run all" reaches the end)."""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from . import CheckResult, failed, is_empty, not_done, passed

BACKBONE_LR, HEAD_LR = 2e-4, 3e-3  # unusual values, so that an answer which ignores its arguments shows
STEPS, BATCH = 30, 50


def reference_fine_tuning_optimizer(model: nn.Module, backbone_lr: float = 1e-4,
                                    head_lr: float = 1e-3) -> torch.optim.Optimizer:
    """The course's answer: unfreeze `model.last_block`; AdamW with the last block at `backbone_lr`, the head at `head_lr`."""
    model.last_block.requires_grad_(True)
    model.head.requires_grad_(True)
    return torch.optim.AdamW([{"params": model.last_block.parameters(), "lr": backbone_lr},
                              {"params": model.head.parameters(), "lr": head_lr}])


def _ids(module: nn.Module) -> set[int]:
    return {id(p) for p in module.parameters()}


def _group_problem(optimizer: torch.optim.Optimizer, model: nn.Module) -> CheckResult | None:
    """What is wrong with the optimizer's parameter groups, or None."""
    groups = optimizer.param_groups
    if len(groups) != 2:
        return failed(f"The optimizer has {len(groups)} parameter group(s); fine-tuning needs 2: "
                      f"[{{'params': model.last_block.parameters(), 'lr': backbone_lr}}, "
                      f"{{'params': model.head.parameters(), 'lr': head_lr}}].",
                      f"Optimizer में {len(groups)} parameter group हैं; fine-tuning के लिए 2 चाहिए: "
                      f"[{{'params': model.last_block.parameters(), 'lr': backbone_lr}}, "
                      f"{{'params': model.head.parameters(), 'lr': head_lr}}]।")
    block, head = _ids(model.last_block), _ids(model.head)
    members = [{id(p) for p in group["params"]} for group in groups]
    by_block = [i for i, m in enumerate(members) if m == block]
    by_head = [i for i, m in enumerate(members) if m == head]
    if not by_block or not by_head:
        return failed("Each group must hold exactly one part: one group all of model.last_block's parameters, the "
                      "other all of model.head's (no parameter missing, none in both).",
                      "हर group में ठीक एक हिस्सा हो: एक group में model.last_block के सारे parameters, दूसरे में "
                      "model.head के सारे (कोई parameter छूटे नहीं, कोई दोनों में न हो)।")
    block_lr, head_lr = groups[by_block[0]]["lr"], groups[by_head[0]]["lr"]
    if (block_lr, head_lr) == (HEAD_LR, BACKBONE_LR):
        return failed(f"The learning rates are swapped: the pretrained last block got {block_lr:g}, the new head "
                      f"{head_lr:g}. The pretrained part gets the lower one, backbone_lr.",
                      f"Learning rates उलटे लगे हैं: pretrained last block को {block_lr:g} मिला, नए head को "
                      f"{head_lr:g}। Pretrained हिस्से को छोटा वाला, backbone_lr, मिलता है।")
    if (block_lr, head_lr) != (BACKBONE_LR, HEAD_LR):
        return failed(f"Called with backbone_lr={BACKBONE_LR:g} and head_lr={HEAD_LR:g}, your groups have learning "
                      f"rates {block_lr:g} (last block) and {head_lr:g} (head). Use the function's arguments.",
                      f"backbone_lr={BACKBONE_LR:g} और head_lr={HEAD_LR:g} के साथ call करने पर आपके groups के "
                      f"learning rates {block_lr:g} (last block) और {head_lr:g} (head) हैं। Function के arguments "
                      f"इस्तेमाल करें।")
    return None


def check_fine_tuning(fine_tuning_optimizer: Callable | None, make_model: Callable[[], nn.Module],
                      activations: torch.Tensor, labels: torch.Tensor) -> CheckResult:
    """Run the student's `fine_tuning_optimizer` on a fresh model left as the linear probe leaves it (everything
    frozen), check which parameters train and the two parameter groups, then train a few steps on real data.

    `make_model()` builds the lesson's TransferNet (attributes `last_block` and `head`); `activations` are the
    frozen part's outputs for real images and `labels` their classes. The lesson's random numbers are not touched.
    """
    if is_empty(fine_tuning_optimizer):
        return not_done("fine_tuning_optimizer")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = make_model()
        model.requires_grad_(False)  # as the linear probe leaves it: the exercise must unfreeze what trains
        try:
            optimizer = fine_tuning_optimizer(model, backbone_lr=BACKBONE_LR, head_lr=HEAD_LR)
        except Exception as err:  # noqa: BLE001 - any error in the student's code is reported, not raised
            return failed(f"fine_tuning_optimizer(model, backbone_lr, head_lr) raised {type(err).__name__}: {err}",
                          f"fine_tuning_optimizer(model, backbone_lr, head_lr) से {type(err).__name__} आया: {err}")
        if not isinstance(optimizer, torch.optim.Optimizer):
            return failed(f"fine_tuning_optimizer must return an optimizer (e.g. torch.optim.AdamW([...])), "
                          f"not {type(optimizer).__name__}.",
                          f"fine_tuning_optimizer को एक optimizer लौटाना है (जैसे torch.optim.AdamW([...])), "
                          f"{type(optimizer).__name__} नहीं।")
        frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
        if frozen:
            part = "model.last_block" if frozen[0].startswith("last_block") else "model.head"
            return failed(f"{len(frozen)} parameters are still frozen (requires_grad=False), e.g. {frozen[0]}. "
                          f"Fine-tuning trains the last block too: call {part}.requires_grad_(True).",
                          f"{len(frozen)} parameters अब भी frozen हैं (requires_grad=False), जैसे {frozen[0]}। "
                          f"Fine-tuning में last block भी train होता है: {part}.requires_grad_(True) लिखें।")
        problem = _group_problem(optimizer, model)
        if problem is not None:
            return problem
        before = {name: p.detach().clone() for name, p in model.named_parameters()}
        generator = torch.Generator().manual_seed(0)
        order = torch.randperm(len(activations), generator=generator)
        x, y = activations[order[:STEPS * BATCH // 3]], labels[order[:STEPS * BATCH // 3]]
        model.train()
        losses = []
        for step in range(STEPS):
            batch = torch.randint(len(x), (BATCH,), generator=generator)
            loss = F.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        model.eval()
    unchanged = [name for name, p in model.named_parameters() if torch.equal(p.detach(), before[name])]
    if unchanged:
        return failed(f"After {STEPS} steps, {len(unchanged)} parameters did not change (e.g. {unchanged[0]}).",
                      f"{STEPS} steps के बाद {len(unchanged)} parameters नहीं बदले (जैसे {unchanged[0]})।")
    first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    if not last < first:
        return failed(f"The training loss did not decrease on real data ({first:.3f} → {last:.3f}).",
                      f"असली data पर training loss नहीं घटा ({first:.3f} → {last:.3f})।")
    return passed(f"Fine-tuning is set up right: the last block ({sum(p.numel() for p in model.last_block.parameters()):,} "
                  f"parameters) trains at {BACKBONE_LR:g}, the head at {HEAD_LR:g}; on real data the training loss "
                  f"fell from {first:.3f} to {last:.3f} in {STEPS} steps.",
                  f"Fine-tuning सही तैयार है: last block ({sum(p.numel() for p in model.last_block.parameters()):,} "
                  f"parameters) {BACKBONE_LR:g} पर train होता है, head {HEAD_LR:g} पर; असली data पर {STEPS} steps में "
                  f"training loss {first:.3f} से {last:.3f} हो गया।")
