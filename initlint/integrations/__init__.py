"""Adapters for the tools users already run: flake8, pytest, editors (the server is initlint.server).

Each reuses the engine (engine/options.py decides the options, linter.py lints); none imports torch
at import time.
"""
