"""Load-or-train: trained once, loaded afterwards; a change of code, data or settings trains again."""
import linecache
import os
import random
import time
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch
from torch import nn

import helpers
from helpers import cache, cpu
from helpers.fingerprint import Fingerprint, normalised_code


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path):
    cache.configure(lesson="99_test", retrain=False, folder=tmp_path / "cache")
    yield
    cache.configure()


def notebook_function(source: str, name: str, namespace: dict | None = None):
    """Define a function the way a notebook cell does (its source is known to linecache, as in IPython)."""
    filename = f"<cell-{abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {} if namespace is None else namespace
    namespace.setdefault("__name__", "__main__")
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


LOSS_EN = '''
def loss_fn(model, batch):
    """Mean squared error."""
    x, _ = batch  # the target is the input
    print("Computing the loss")
    return ((model(x) - x) ** 2).mean()
'''
LOSS_HI = '''
def loss_fn(model, batch):
    """Mean squared error (हिंदी docstring)."""
    x, _ = batch  # target खुद input है
    print("loss निकाल रहे हैं")
    return ((model(x) - x) ** 2).mean()
'''


def setup_run(seed: int = 0, lr: float = 0.01):
    helpers.seed_everything(seed)
    model = nn.Linear(4, 4)
    x = torch.randn(64, 4)
    batches = helpers.Batches(x, torch.zeros(64), batch_size=16)
    return model, torch.optim.Adam(model.parameters(), lr=lr), batches


def run_fit(loss_source: str = LOSS_EN, seed: int = 0, lr: float = 0.01, epochs: int = 3, capsys=None):
    loss_fn = notebook_function(loss_source, "loss_fn")
    model, optimizer, batches = setup_run(seed, lr)
    history = helpers.fit(model, loss_fn, optimizer, batches, epochs, plot=False, cache="tiny")
    return model, history, batches


def test_second_run_loads_the_same_model_history_and_random_state(capsys):
    model_a, history_a, batches_a = run_fit()
    after_a = (torch.rand(3), np.random.rand(), random.random())
    out = capsys.readouterr().out
    assert "Loaded" not in out
    model_b, history_b, batches_b = run_fit()
    after_b = (torch.rand(3), np.random.rand(), random.random())
    assert "Loaded the trained 'tiny' from the cache" in capsys.readouterr().out
    assert torch.equal(model_a.weight, model_b.weight)
    assert history_a.train_loss == history_b.train_loss and history_b.seconds == history_a.seconds
    assert torch.equal(after_a[0], after_b[0]) and after_a[1:] == after_b[1:]
    assert torch.equal(batches_a.generator.get_state(), batches_b.generator.get_state())


def test_english_and_hindi_code_share_the_cache(capsys):
    run_fit(LOSS_EN)
    capsys.readouterr()
    run_fit(LOSS_HI)
    assert "Loaded" in capsys.readouterr().out
    assert normalised_code(LOSS_EN) == normalised_code(LOSS_HI)


@pytest.mark.parametrize("change", [
    {"seed": 1},                                   # other initial weights and data
    {"lr": 0.02},                                  # another hyperparameter
    {"epochs": 4},                                 # longer training
    {"loss_source": LOSS_EN.replace("** 2", "** 4")},  # another loss
    {"loss_source": LOSS_EN.replace(".mean()", ".sum()")},
])
def test_any_change_trains_again(change, capsys):
    run_fit()
    capsys.readouterr()
    run_fit(**change)
    assert "Loaded" not in capsys.readouterr().out


def test_option_strings_count_but_texts_do_not():
    assert normalised_code('f(x, reduction="sum")') != normalised_code('f(x, reduction="mean")')
    assert normalised_code('print("hello there")') == normalised_code('print("नमस्ते")')
    assert normalised_code('t(fig_text("हिंदी", en="English"))') == normalised_code('t("English")')
    assert normalised_code('f"{n:,} parameters"') == normalised_code('f"{n:,} parameters हैं"')
    assert normalised_code('f"{n:,} parameters"') != normalised_code('f"{n + 1:,} parameters"')


def test_a_changed_global_constant_or_helper_function_trains_again(capsys):
    source = '''
def train(model):
    with torch.no_grad():
        model.weight.mul_(SCALE)
    return {"scale": SCALE}
'''
    for scale, expect_loaded in ((2.0, False), (2.0, True), (3.0, False)):
        helpers.seed_everything(0)
        model = nn.Linear(2, 2)
        train = notebook_function(source, "train", {"torch": torch, "SCALE": scale})
        assert helpers.load_or_train("scaled", train, model) == {"scale": scale}
        assert ("Loaded" in capsys.readouterr().out) == expect_loaded


@dataclass
class GanLikeHistory:
    losses: list = field(default_factory=list)
    samples: list = field(default_factory=list)
    seconds: float = 0.0


def train_two(generator: nn.Module, discriminator: nn.Module, steps: int) -> GanLikeHistory:
    history = GanLikeHistory()
    for _ in range(steps):
        with torch.no_grad():
            generator.weight.add_(torch.randn_like(generator.weight))
            discriminator.weight.add_(1.0)
        history.losses.append(float(generator.weight.detach().sum()))
    history.samples.append(generator.weight.clone())
    return history


def test_custom_training_loops_with_two_models_and_a_dataclass_history(capsys):
    def fresh():
        helpers.seed_everything(0)
        return nn.Linear(3, 3), nn.Linear(3, 1)

    g1, d1 = fresh()
    h1 = helpers.load_or_train("gan", train_two, g1, d1, steps=3)
    g2, d2 = fresh()
    h2 = helpers.load_or_train("gan", train_two, g2, d2, steps=3)
    assert "Loaded" in capsys.readouterr().out
    assert isinstance(h2, GanLikeHistory) and h2.losses == h1.losses
    assert torch.equal(h2.samples[0], h1.samples[0]) and torch.equal(d1.weight, d2.weight)


def test_a_damaged_file_means_training_again_with_a_message(capsys):
    run_fit()
    for path in cache.cache_folder().glob("tiny-*.pt"):
        path.write_bytes(b"not a checkpoint")
    capsys.readouterr()
    model, history, _ = run_fit()
    out = capsys.readouterr().out
    assert "could not be used" in out and "training it again" in out
    assert len(history.train_loss) == 3
    run_fit()
    assert "Loaded" in capsys.readouterr().out  # the retrained run replaced the damaged file


def test_a_foreign_file_under_the_right_name_is_not_loaded(capsys):
    run_fit()
    path = next(cache.cache_folder().glob("tiny-*.pt"))
    torch.save({"format": cache.FORMAT, "key": "someone else's"}, path)
    capsys.readouterr()
    run_fit()
    assert "not a cache file for this run" in capsys.readouterr().out


def test_retrain_flag_and_environment_variable(capsys, monkeypatch):
    run_fit()
    cache.configure(lesson="99_test", retrain=True, folder=cache.cache_root())
    capsys.readouterr()
    run_fit()
    assert "Loaded" not in capsys.readouterr().out
    cache.configure(lesson="99_test", retrain=False, folder=cache.cache_root())
    monkeypatch.setenv("COURSE_RETRAIN", "1")
    run_fit()
    assert "Loaded" not in capsys.readouterr().out


def test_the_cache_keeps_only_the_newest_files_per_name():
    for epochs in range(1, 7):
        run_fit(epochs=epochs)
        time.sleep(0.01)
    files = list(cache.cache_folder().glob("tiny-*.pt"))
    assert len(files) == cache.KEEP_PER_NAME
    assert not list(cache.cache_folder().glob("*.part"))


def test_an_interrupted_run_is_not_kept(capsys):
    def stopped(model):
        return helpers.History(train_loss=[1.0], interrupted=True)

    helpers.load_or_train("stopped", stopped, nn.Linear(1, 1))
    assert "not kept" in capsys.readouterr().out
    assert not list(cache.cache_folder().glob("stopped-*.pt"))


def test_results_that_cannot_be_kept_are_reported_not_fatal(capsys):
    result = helpers.load_or_train("odd", lambda model: object, nn.Linear(1, 1))
    assert result is object and "could not be kept in the cache" in (out := capsys.readouterr().out)
    assert "the next run will train it again" in out
    helpers.load_or_compute("odd_measure", lambda model: object, nn.Linear(1, 1))
    assert "the next run will compute it again" in capsys.readouterr().out


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="letters, digits"):
        helpers.load_or_train("two words", lambda: None)


def test_fingerprint_sees_data_but_not_the_device():
    a, b = Fingerprint(), Fingerprint()
    a.add("x", {"data": torch.arange(10.0), "device": torch.device("cpu")})
    b.add("x", {"data": torch.arange(10.0), "device": torch.device("meta")})
    assert a.digest() == b.digest()
    c = Fingerprint()
    c.add("x", {"data": torch.arange(10.0) + 1, "device": torch.device("cpu")})
    assert c.digest() != a.digest()


# ---- fair CPU sharing between processes that train at the same time

def test_fair_threads():
    assert cpu.fair_threads(2, 1) == 2 and cpu.fair_threads(2, 2) == 1 and cpu.fair_threads(2, 5) == 1
    assert cpu.fair_threads(8, 3) == 2


def test_trainers_counts_recent_living_processes(tmp_path):
    now = time.time()
    (tmp_path / str(os.getppid())).touch()                      # a living process that trains
    old = tmp_path / str(os.getppid() + 100000)                 # a process that is gone
    old.touch()
    (tmp_path / "not-a-pid").touch()
    assert cpu.trainers(now, tmp_path) == 2
    os.utime(tmp_path / str(os.getppid()), (now - 60, now - 60))  # stopped training a minute ago
    assert cpu.trainers(now, tmp_path) == 1


MEASURE = '''
def measure(model, images, factors):
    """{factor: mean output} for inputs scaled by each factor."""
    print("computing the table")
    with torch.no_grad():
        return {factor: float(model(factor * images).mean()) for factor in factors}
'''


def test_load_or_compute_keeps_a_measurement_not_the_model_and_computes_again_for_new_weights(capsys, tmp_path):
    measure = notebook_function(MEASURE, "measure", {"torch": torch})
    images = torch.randn(8, 3)
    helpers.seed_everything(0)
    model = nn.Linear(3, 1)
    first = helpers.load_or_compute("table", measure, model, images, [0.0, 0.5, 1.0])
    assert "computing the table" in capsys.readouterr().out
    again = helpers.load_or_compute("table", measure, model, images, [0.0, 0.5, 1.0])
    assert again == first and list(again) == [0.0, 0.5, 1.0]  # float keys survive
    shown = capsys.readouterr().out
    assert "Loaded 'table' from the cache" in shown and "computing the table" not in shown
    saved = torch.load(next((tmp_path / "cache" / "99_test").glob("table-*.pt")), weights_only=True)
    assert saved["modules"] == []  # the model's weights are read, not kept
    with torch.no_grad():
        model.weight.add_(1.0)
    changed = helpers.load_or_compute("table", measure, model, images, [0.0, 0.5, 1.0])
    assert changed != first and "computing the table" in capsys.readouterr().out
    helpers.set_language("hi")
    helpers.load_or_compute("table", measure, model, images, [0.0, 0.5, 1.0])
    shown = capsys.readouterr().out
    assert "'table' cache से load किया" in shown and "computing the table" not in shown


def test_a_large_tensor_is_summarised_once_and_again_after_it_changes_in_place():
    from helpers import fingerprint

    def digest(value) -> str:
        f = Fingerprint()
        f.add("x", value)
        return f.digest()

    data = torch.rand(fingerprint.SAMPLE * 3)
    first = digest(data)
    assert id(data) in fingerprint._summaries and digest(data) == first
    assert digest(data.clone()) == first  # the remembered summary is the one a fresh reading gives
    data[1] += 1.0  # a sampled element (every third one): in place, so the same object
    assert digest(data) != first
    data[2] += 1.0  # an element outside the sample still changes the sum
    changed = digest(data)
    assert changed != first and digest(data.clone()) == changed
    key = id(data)
    del data
    assert key not in fingerprint._summaries  # forgotten with the tensor
