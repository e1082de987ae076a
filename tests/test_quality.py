"""The Fréchet distance on classifier features: right on known Gaussians, zero-ish for the same data."""
import numpy as np
import pytest
import torch

import helpers
from helpers import cache
from helpers.quality import classifier_features, digit_classifier, frechet_distance, frechet_score


def test_frechet_distance_of_known_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(0.0, 1.0, size=(200_000, 1))
    b = rng.normal(3.0, 2.0, size=(200_000, 1))
    # 1-D: (μa − μb)² + (σa − σb)² = 9 + 1
    assert frechet_distance(a, b) == pytest.approx(10.0, rel=0.01)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    c = rng.normal(size=(5000, 8))
    d = rng.normal(size=(5000, 8)) + 0.5
    assert frechet_distance(c, d) == pytest.approx(8 * 0.25, rel=0.15)


def test_frechet_distance_refuses_mismatched_features():
    with pytest.raises(ValueError, match="feature sets"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


def test_classifier_features_on_real_digits_tell_real_from_noise(tmp_path):
    cache.configure(lesson="99_quality", folder=tmp_path)
    data = helpers.load_images("mnist", subset=800, test_subset=600, offline=True, verbose=False)
    classifier = digit_classifier(data, epochs=1)
    real_a, real_b = data.test_x[:300], data.test_x[300:600]
    noise = torch.rand(300, 1, 28, 28)
    blank = torch.zeros(300, 1, 28, 28) + 0.01 * torch.rand(300, 1, 28, 28)
    floor = frechet_score(classifier, real_a, real_b)
    assert floor < frechet_score(classifier, real_a, noise) / 5
    assert floor < frechet_score(classifier, real_a, blank) / 5
    assert classifier_features(classifier, real_a).shape == (300, 64)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        classifier_features(classifier, real_a * 2 - 1)
    cache.configure()


def test_measuring_features_in_small_channels_last_batches_gives_the_plain_forward_pass():
    from helpers.quality import DigitClassifier

    torch.manual_seed(0)
    model = DigitClassifier()
    images = torch.rand(600, 1, 28, 28)  # more than one chunk of 250, and a partial last one
    with torch.no_grad():
        plain = model.body(images)
        model.eval().to(memory_format=torch.channels_last)
        measured = model.features(images)
        logits = model(images)
    assert measured.shape == (600, 64)
    assert torch.allclose(measured, plain, atol=1e-5)
    assert torch.allclose(logits, model.head(plain), atol=1e-5)
    model.train()
    assert model.features(images[:4]).requires_grad  # training keeps the ordinary path with gradients
