"""initlint: find bad weight initialization in PyTorch code before training starts."""

__version__ = "0.1.0"
