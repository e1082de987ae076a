from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import helpers
from helpers.train import History


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`: to check that nothing was lost or left behind."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


def test_round_trip_keeps_weights_and_info(tmp_path):
    model = nn.Linear(3, 2)
    path = helpers.save_checkpoint(model, tmp_path / "sub" / "m.pt", test_loss=0.5)
    copy = nn.Linear(3, 2)
    info = helpers.load_checkpoint(copy, path)
    assert info == {"test_loss": 0.5}
    assert torch.equal(copy.weight, model.weight)
    assert sorted(tree(tmp_path)) == ["sub", "sub/m.pt"]  # no .part file beside it


def test_numpy_numbers_and_a_history_are_stored_as_plain_python_values(tmp_path):
    history = History(train_loss=[np.float64(0.3), np.float32(0.2)], test_loss=[0.25], seconds=np.float64(1.5))
    path = helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "m.pt", test_bce=np.float32(0.125),
                                   epochs=np.int64(4), history=history, codes=np.arange(3))
    info = helpers.load_checkpoint(nn.Linear(3, 2), path)  # a good file loads: never "corrupt"
    assert info["test_bce"] == 0.125 and type(info["test_bce"]) is float
    assert info["epochs"] == 4 and type(info["epochs"]) is int
    assert info["history"] == {"train_loss": [0.3, pytest.approx(0.2)], "test_loss": [0.25], "seconds": 1.5,
                               "interrupted": False}
    assert all(type(v) is float for v in info["history"]["train_loss"])
    assert torch.equal(info["codes"], torch.arange(3))


@pytest.mark.parametrize("lang, text", [("en", "save_checkpoint cannot store optimizer (a SGD)"),
                                        ("hi", "save_checkpoint optimizer (SGD) को नहीं रख सकता")])
def test_values_that_cannot_be_stored_are_refused_before_anything_is_written(tmp_path, lang, text):
    helpers.set_language(lang)
    model = nn.Linear(3, 2)
    with pytest.raises(helpers.CheckpointError) as err:
        helpers.save_checkpoint(model, tmp_path / "new" / "m.pt", optimizer=torch.optim.SGD(model.parameters(), 0.1))
    assert str(err.value).startswith(text)
    assert tree(tmp_path) == {}


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_save_leaves_nothing_and_keeps_the_old_checkpoint(tmp_path, monkeypatch, failure):
    old = helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "m.pt", version=1)
    before = tree(tmp_path)

    def save_half_then_fail(obj, f):
        f.write(b"half a checkpoint")
        raise failure

    monkeypatch.setattr(torch, "save", save_half_then_fail)
    with pytest.raises(type(failure)):
        helpers.save_checkpoint(nn.Linear(3, 2), old, version=2)
    with pytest.raises(type(failure)):
        helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "a" / "b" / "m.pt")
    assert tree(tmp_path) == before  # no .part file, no new folder, the old file untouched
    monkeypatch.undo()
    assert helpers.load_checkpoint(nn.Linear(3, 2), old) == {"version": 1}


@pytest.mark.parametrize("lang, text", [("en", "device='cuda', but this machine has no CUDA GPU"),
                                        ("hi", "device='cuda', पर इस machine पर CUDA GPU नहीं है")])
def test_loading_onto_cuda_without_cuda_says_so(tmp_path, monkeypatch, lang, text):
    path = helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "m.pt")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    helpers.set_language(lang)
    with pytest.raises(helpers.CheckpointError) as err:
        helpers.load_checkpoint(nn.Linear(3, 2), path, device="cuda")
    assert str(err.value).startswith(text) and "corrupt" not in str(err.value) and "खराब" not in str(err.value)
    assert path.exists()


def test_a_device_name_that_does_not_exist(tmp_path):
    path = helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "m.pt")
    with pytest.raises(helpers.CheckpointError, match="device='gpu' is not a device: use 'cpu', 'cuda' or 'mps'"):
        helpers.load_checkpoint(nn.Linear(3, 2), path, device="gpu")


@pytest.mark.parametrize("lang, load_text, save_text", [
    ("en", "is a folder, not a checkpoint file", "is a folder: give a file name"),
    ("hi", "एक folder है, checkpoint file नहीं", "एक folder है: file का नाम दें"),
])
def test_a_folder_as_the_path(tmp_path, lang, load_text, save_text):
    helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "m.pt")
    before = tree(tmp_path)
    helpers.set_language(lang)
    with pytest.raises(helpers.CheckpointError, match=load_text):
        helpers.load_checkpoint(nn.Linear(3, 2), tmp_path)
    with pytest.raises(helpers.CheckpointError, match=save_text):
        helpers.save_checkpoint(nn.Linear(3, 2), tmp_path)
    assert tree(tmp_path) == before


def test_a_file_with_numpy_values_from_an_older_save_is_not_called_corrupt(tmp_path):
    path = tmp_path / "old.pt"
    torch.save({"format": "course-checkpoint-v1", "state_dict": nn.Linear(3, 2).state_dict(),
                "info": {"test_bce": np.float64(0.1)}}, path)
    with pytest.raises(helpers.CheckpointError) as err:
        helpers.load_checkpoint(nn.Linear(3, 2), path)
    assert "safe loading (weights_only=True) refuses" in str(err.value) and "not damaged" in str(err.value)
    assert "corrupt" not in str(err.value)
    helpers.set_language("hi")
    with pytest.raises(helpers.CheckpointError, match="File खराब नहीं है: model को save_checkpoint से फिर save करें"):
        helpers.load_checkpoint(nn.Linear(3, 2), path)


def test_missing_checkpoint(tmp_path):
    with pytest.raises(helpers.CheckpointError, match="No checkpoint"):
        helpers.load_checkpoint(nn.Linear(3, 2), tmp_path / "nope.pt")


def test_corrupt_checkpoint(tmp_path):
    path = tmp_path / "bad.pt"
    path.write_bytes(b"this is not a checkpoint")
    with pytest.raises(helpers.CheckpointError, match="corrupt or cut short"):
        helpers.load_checkpoint(nn.Linear(3, 2), path)


def test_truncated_checkpoint(tmp_path):
    path = helpers.save_checkpoint(nn.Linear(30, 20), tmp_path / "m.pt")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(helpers.CheckpointError, match="corrupt or cut short"):
        helpers.load_checkpoint(nn.Linear(30, 20), path)
    helpers.set_language("hi")
    with pytest.raises(helpers.CheckpointError, match="खराब या अधूरी"):
        helpers.load_checkpoint(nn.Linear(30, 20), path)


def test_checkpoint_of_another_model(tmp_path):
    path = helpers.save_checkpoint(nn.Linear(3, 2), tmp_path / "m.pt")
    with pytest.raises(helpers.CheckpointError, match="different model"):
        helpers.load_checkpoint(nn.Linear(4, 2), path)


def test_file_not_written_by_save_checkpoint(tmp_path):
    path = tmp_path / "plain.pt"
    torch.save(nn.Linear(3, 2).state_dict(), path)
    with pytest.raises(helpers.CheckpointError, match="not written by save_checkpoint"):
        helpers.load_checkpoint(nn.Linear(3, 2), path)


def test_checkpoint_path_is_under_build():
    assert helpers.checkpoint_path("x.pt").parts[-3:] == ("build", "checkpoints", "x.pt")
