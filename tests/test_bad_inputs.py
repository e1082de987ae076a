"""Bad inputs to the training loop and to the shared check of counts, as a student would make them."""
import numpy as np
import pytest
import torch
from torch import nn

import helpers
from helpers.checks import whole_number


def mse(model, batch):
    x, y = batch
    return nn.functional.mse_loss(model(x), y)


@pytest.mark.parametrize("lang, text", [
    ("en", "train_batches gave no batches in epoch 2. An iterator or generator is used up after one pass"),
    ("hi", "Epoch 2 में train_batches से कोई batch नहीं मिला। Iterator या generator एक बार चलने के बाद खाली हो जाता है"),
])
def test_fit_with_an_iterator_that_is_used_up_after_one_epoch(lang, text):
    helpers.set_language(lang)
    x, y = torch.randn(16, 3), torch.randn(16, 1)
    model = nn.Linear(3, 1)
    one_pass = ((x[i:i + 4], y[i:i + 4]) for i in range(0, 16, 4))  # a generator: empty after epoch 1
    with pytest.raises(ValueError) as err:
        helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), one_pass, epochs=3, plot=False)
    assert str(err.value).startswith(text) and "helpers.Batches(x, y)" in str(err.value)


def test_fit_with_no_batches_at_all_records_no_loss():
    model = nn.Linear(3, 1)
    with pytest.raises(ValueError, match="no batches in epoch 1"):
        helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), [], epochs=2, plot=False)


def test_fit_with_batches_that_can_be_looped_over_again_trains_every_epoch():
    x, y = torch.randn(16, 3), torch.randn(16, 1)
    model = nn.Linear(3, 1)
    history = helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), helpers.Batches(x, y, batch_size=4),
                          epochs=3, plot=False)
    assert len(history.train_loss) == 3 and all(loss > 0 for loss in history.train_loss)


@pytest.mark.parametrize("value, expected", [(5, 5), (np.int64(5), 5), (np.uint8(3), 3), (torch.tensor(7), 7)])
def test_whole_numbers_of_any_integer_type_are_accepted(value, expected):
    assert whole_number(value, "n") == expected and type(whole_number(value, "n")) is int


@pytest.mark.parametrize("value", [True, np.bool_(True), torch.tensor(True), 2.0, np.float32(2), "2", None, 0, -1,
                                   torch.tensor([2])])
def test_whole_number_refuses_bools_floats_strings_and_small_values(value):
    with pytest.raises(ValueError, match="n must be a positive whole number"):
        whole_number(value, "n")


def test_whole_number_with_another_minimum_in_both_languages():
    assert whole_number(0, "seed", minimum=0) == 0
    with pytest.raises(ValueError, match="seed must be a whole number ≥ 0, got -1"):
        whole_number(-1, "seed", minimum=0)
    helpers.set_language("hi")
    with pytest.raises(ValueError, match="seed 0 या उससे बड़ा पूर्णांक होना चाहिए, मिला -1"):
        whole_number(-1, "seed", minimum=0)
