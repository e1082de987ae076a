"""Plumbing for the course notebooks: language, device, data, training loop and its cache, plots, checkpoints.

Models that a lesson teaches live in the lesson itself, where the student can read them.
"""
from .cache import load_or_compute, load_or_train
from .checkpoint import CheckpointError, checkpoint_path, load_checkpoint, save_checkpoint
from .course import Lesson, start_lesson
from .data import Batches, DataError, ImageData, load_images
from .device import describe_device, pick_device, seed_everything
from .lang import fig_text, get_language, msg, quick_mode, set_language
from .metrics import record_metric
from .plot import plot_histograms, plot_losses, plot_xy, scatter_2d, setup_fonts, show, show_images, show_rows
from .quiz import show_quiz
from .train import History, count_parameters, evaluate, fit

__all__ = [
    "Batches", "CheckpointError", "checkpoint_path", "DataError", "History", "ImageData", "Lesson", "count_parameters",
    "describe_device", "evaluate", "fig_text", "fit", "get_language", "load_checkpoint", "load_or_compute", "load_or_train", "msg", "load_images",
    "pick_device", "plot_histograms", "record_metric", "plot_losses", "plot_xy", "quick_mode", "save_checkpoint",
    "scatter_2d", "seed_everything", "set_language", "setup_fonts", "show", "show_images", "show_quiz",
    "show_rows", "start_lesson",
]
