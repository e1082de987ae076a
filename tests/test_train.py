import pytest
import torch
import torch.nn.functional as F
from torch import nn

import helpers


def regression_problem(n: int = 256):
    """y = 3x - 1 with a little noise: a linear model can learn it in a few epochs."""
    torch.manual_seed(0)
    x = torch.randn(n, 1)
    y = 3 * x - 1 + 0.01 * torch.randn(n, 1)
    return helpers.Batches(x, y, batch_size=32), helpers.Batches(x[:64], y[:64], batch_size=64, shuffle=False)


def mse(model, batch):
    x, y = batch
    return F.mse_loss(model(x), y)


def test_fit_learns_and_records_history():
    train, test = regression_problem()
    model = nn.Linear(1, 1)
    history = helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), train, 5, test)
    assert len(history.train_loss) == len(history.test_loss) == 5
    assert history.test_loss[-1] < 0.01 < history.train_loss[0]
    assert not history.interrupted and history.seconds > 0
    assert abs(model.weight.item() - 3) < 0.1


def test_evaluate_weights_batches_by_size():
    x = torch.tensor([[0.0], [0.0], [0.0], [3.0]])
    model = nn.Identity()
    batches = helpers.Batches(x, torch.zeros(4, 1), batch_size=3, shuffle=False)  # sizes 3 and 1
    assert helpers.evaluate(model, mse, batches) == pytest.approx(9 / 4)


def test_ctrl_c_stops_cleanly_and_keeps_model_and_history(capsys):
    train, test = regression_problem()
    model = nn.Linear(1, 1)
    calls = {"n": 0}

    def loss_then_interrupt(model, batch):
        calls["n"] += model.training  # count training steps only, not evaluation
        if calls["n"] > 2 * len(train):  # two full epochs, then Ctrl-C
            raise KeyboardInterrupt
        return mse(model, batch)

    history = helpers.fit(model, loss_then_interrupt, torch.optim.SGD(model.parameters(), lr=0.1), train, 10, test)
    assert history.interrupted and len(history.train_loss) == 2
    assert abs(model.weight.item() - 3) < 1.5  # the model kept what it learned
    assert "stopped" in capsys.readouterr().out


def test_loss_fn_must_return_one_number():
    train, _ = regression_problem()
    model = nn.Linear(1, 1)

    def per_example_loss(model, batch):
        x, y = batch
        return F.mse_loss(model(x), y, reduction="none")

    with pytest.raises(ValueError, match="0-d tensor"):
        helpers.fit(model, per_example_loss, torch.optim.SGD(model.parameters(), lr=0.1), train, 1)


def test_diverging_loss_stops_with_advice():
    train, _ = regression_problem()
    model = nn.Linear(1, 1)
    with pytest.raises(FloatingPointError, match="smaller learning rate"):
        helpers.fit(model, lambda m, b: mse(m, b) * float("nan"), torch.optim.SGD(model.parameters(), lr=0.1),
                    train, 1)


@pytest.mark.parametrize("epochs", [0, -1, 1.5])
def test_epochs_must_be_positive_whole_number(epochs):
    train, _ = regression_problem()
    model = nn.Linear(1, 1)
    with pytest.raises(ValueError, match="epochs"):
        helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), train, epochs)


def test_headless_fit_draws_the_loss_plot_once():
    import matplotlib.pyplot as plt

    train, test = regression_problem()
    model = nn.Linear(1, 1)
    helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), train, 2, test, title="demo")
    figures = [plt.figure(n) for n in plt.get_fignums()]
    assert len(figures) == 1
    lines = figures[0].axes[0].get_lines()
    assert len(lines) == 2 and len(lines[0].get_ydata()) == 2


def test_count_parameters():
    assert helpers.count_parameters(nn.Linear(3, 2)) == 8


def test_live_plot_updates_one_display_in_place(monkeypatch):
    import matplotlib.pyplot as plt
    from IPython import display as ipython_display

    shown, updates = [], []

    class Handle:
        def update(self, fig):
            updates.append(len(fig.axes[0].get_lines()[0].get_ydata()))

    def fake_display(obj, display_id=False):
        shown.append(obj)
        return Handle()

    monkeypatch.setattr(ipython_display, "display", fake_display)
    train, test = regression_problem()
    model = nn.Linear(1, 1)
    helpers.fit(model, mse, torch.optim.SGD(model.parameters(), lr=0.1), train, 3, test, live=True)
    assert len(shown) == 1 and updates == [1, 2, 3]  # one figure, redrawn after every epoch
    assert plt.get_fignums() == []  # closed at the end, so Jupyter does not draw it twice
