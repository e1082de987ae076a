import pytest
import torch
from torch import nn

import helpers


def test_round_trip_keeps_weights_and_info(tmp_path):
    model = nn.Linear(3, 2)
    path = helpers.save_checkpoint(model, tmp_path / "sub" / "m.pt", test_loss=0.5)
    copy = nn.Linear(3, 2)
    info = helpers.load_checkpoint(copy, path)
    assert info == {"test_loss": 0.5}
    assert torch.equal(copy.weight, model.weight)
    assert not (tmp_path / "sub" / "m.pt.part").exists()


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
