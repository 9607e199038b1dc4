"""Verifier tests: torch is required; the zoo lives in verify_zoo_models.py beside this file."""

import os
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(__file__))
warnings.filterwarnings("ignore", message=".*NumPy.*")

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _few_threads():
    """The CI machine is small and shared: keep each test on one thread."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
