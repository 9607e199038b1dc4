"""`[tool.initlint]` in pyproject.toml (or a TOML file given with `--config`)."""

from initlint.config.settings import ConfigError, Settings, find_config_file, load_settings

__all__ = ["ConfigError", "Settings", "find_config_file", "load_settings"]
