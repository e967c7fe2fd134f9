"""The configuration file of the ``greenplan`` command: ``greenplan.toml`` or ``[tool.greenplan]``.

A project keeps its settings in ``greenplan.toml`` (or in the ``[tool.greenplan]`` table of
its ``pyproject.toml``) in the directory the command runs in, or in a file named with
``greenplan --config PATH``. Every key is checked when the file is read: an unknown key is an
error naming it (with the closest known keys), and option values are checked by the same
:class:`~greenplan.options.OptionSet` as the API's keyword arguments. Flags on the command
line override the file. The schema (see ``docs/configuration.md``)::

    plan = "plans/my_plan"              # a plan folder (relative to this file)
    targets = "targets.toml"            # a target config file (relative to this file)
    presets = ["jinan_energy_intensity_2023"]
    method = "sequential"               # sequential | escap | eurostat

    [compute]                           # options of greenplan.compute
    energy_basis = "excl_feedstock"

    [validate]                          # thresholds of greenplan.validate
    yoy_threshold = 0.3

    [assess]                            # options of greenplan.assess
    schedule_tolerance = 0.02
"""

from __future__ import annotations

import importlib
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenplan.errors import GreenplanError, OptionError
from greenplan.messages import Message, msg
from greenplan.options import OptionSet, hint

__all__ = [
    "CONFIG_FILE",
    "KEYS",
    "METHODS",
    "Config",
    "ConfigError",
    "find_config",
    "load_config",
]

_log = logging.getLogger(__name__)

CONFIG_FILE = "greenplan.toml"
"""The name of the configuration file looked for in the working directory."""

KEYS: dict[str, str] = {
    "plan": "a plan folder (plan.toml, targets.csv, baselines.csv), relative to the file",
    "targets": "a JSON or TOML file setting assigned targets, relative to the file",
    "presets": "a list of target presets, e.g. ['jinan_energy_intensity_2023']",
    "method": "the assessment method: sequential, escap or eurostat",
    "compute": "a table of options of greenplan.compute",
    "validate": "a table of options (thresholds) of greenplan.validate",
    "assess": "a table of options of greenplan.assess",
}
"""Every key a configuration file may hold, with its meaning."""

_OPTION_SECTIONS = ("compute", "validate", "assess")
METHODS = ("sequential", "escap", "eurostat")
"""The assessment methods (``greenplan.progress.Method``), as the command line offers them."""


class ConfigError(GreenplanError):
    """A configuration file that is missing, unreadable, or holds an unknown key or bad value."""


@dataclass(frozen=True)
class Config:
    """The settings read from a configuration file (paths resolved against the file's folder)."""

    path: Path | None = None
    """The file read (None: no configuration file)."""
    plan: str | None = None
    targets: str | None = None
    presets: tuple[str, ...] = ()
    method: str | None = None
    compute: dict[str, Any] = field(default_factory=dict)
    validate: dict[str, Any] = field(default_factory=dict)
    assess: dict[str, Any] = field(default_factory=dict)

    def command_defaults(self, command: str) -> dict[str, Any]:
        """Return the argparse defaults this file sets for ``command`` (flags override them).

        ``config_options`` holds the options (``--option`` on the command line wins over it).
        """
        out: dict[str, Any] = {}
        if command in {"catalogue", "report", "assess"} and self.plan:
            out["plan"] = self.plan
        if command in {"report", "assess"}:
            if self.targets:
                out["targets"] = self.targets
            if self.presets:
                out["presets"] = list(self.presets)
            if self.method:
                out["method"] = self.method
            out["config_options"] = {**self.compute, **self.assess}
        elif command == "compute":
            out["config_options"] = dict(self.compute)
        elif command == "validate":
            out["config_options"] = dict(self.validate)
        return out


def _option_sets() -> dict[str, OptionSet]:
    """Return the OptionSets that check each section, imported on demand.

    This module stays light, so the command line's ``--help`` and ``--version`` import no
    pandas.
    """
    registry = importlib.import_module("greenplan.indicators.registry")
    registry.load_all()  # the indicator modules declare their compute options
    checks = importlib.import_module("greenplan.checks")
    progress = importlib.import_module("greenplan.progress.options")
    specs = {**progress.OPTIONS, **progress.ASSESS_ONLY}
    assess = OptionSet("assess", [specs[name] for name in sorted(progress.ASSESS_OPTIONS)])
    return {"compute": registry.OPTIONS, "validate": checks.OPTIONS, "assess": assess}


def find_config(directory: str | Path | None = None) -> Path | None:
    """Return the configuration file of ``directory`` (default the working directory).

    ``greenplan.toml`` first, else a ``pyproject.toml`` that has a ``[tool.greenplan]``
    table; None when there is neither.
    """
    folder = Path(directory) if directory is not None else Path.cwd()
    own = folder / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # not greenplan's file to judge
        if isinstance(data.get("tool"), dict) and "greenplan" in data["tool"]:
            return pyproject
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(msg("config.not_found", path=str(path))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(msg("config.unreadable", path=str(path), error=str(exc))) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(msg("config.not_toml", path=str(path), error=str(exc))) from None
    if path.name == "pyproject.toml":
        table = (
            data.get("tool", {}).get("greenplan") if isinstance(data.get("tool"), dict) else None
        )
        if not isinstance(table, dict):
            raise ConfigError(msg("config.no_table", path=str(path)))
        return table
    return data


def _meaning(key: str) -> Message:
    """Return the meaning of a configuration key (:data:`KEYS`) as a catalogue message."""
    return msg(f"config.key.{key}")


def _text(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(
            msg(
                "config.not_text", path=str(path), key=key, meaning=_meaning(key), value=repr(value)
            )
        )
    return value


def load_config(path: str | Path | None = None, *, directory: str | Path | None = None) -> Config:
    """Read and check a configuration file.

    Parameters
    ----------
    path : str or Path, optional
        The file (``greenplan.toml``, any TOML file, or a ``pyproject.toml`` with a
        ``[tool.greenplan]`` table). Default: :func:`find_config` of ``directory``.
    directory : str or Path, optional
        Where to look when ``path`` is not given; default the working directory.

    Returns
    -------
    Config
        The settings; an empty :class:`Config` when no file is given or found.

    Raises
    ------
    ConfigError
        A file named but missing or unreadable, not TOML, a key greenplan does not know (with
        the closest known keys), or a value of the wrong kind.
    OptionError
        An option in ``[compute]``, ``[validate]`` or ``[assess]`` that the function does not
        take (with the closest names), or a value it does not allow.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "greenplan.toml").write_text("[compute]" + chr(10) + "base_year = 2020")
    >>> load_config(directory=folder).compute
    {'base_year': 2020}
    """
    file = Path(path) if path is not None else find_config(directory)
    if file is None:
        return Config()
    data = _read(file)
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        key = unknown[0]
        raise ConfigError(
            msg(
                "config.unknown_key",
                path=str(file),
                key=repr(key),
                hint=hint(key, KEYS),
                known=", ".join(KEYS),
            )
        )
    here = file.resolve().parent
    values: dict[str, Any] = {"path": file}
    for key in ("plan", "targets"):
        if key in data:
            values[key] = str(here / _text(file, key, data[key]))
    if "method" in data:
        method = _text(file, "method", data["method"])
        if method not in METHODS:
            raise ConfigError(
                msg(
                    "config.bad_method",
                    path=str(file),
                    method=repr(method),
                    methods=", ".join(METHODS),
                    hint=hint(method, METHODS),
                )
            )
        values["method"] = method
    if "presets" in data:
        presets = data["presets"]
        presets = [presets] if isinstance(presets, str) else presets
        if not isinstance(presets, list) or not all(isinstance(p, str) for p in presets):
            raise ConfigError(msg("config.bad_presets", path=str(file)))
        values["presets"] = tuple(presets)
    sets = _option_sets() if any(s in data for s in _OPTION_SECTIONS) else {}
    for section in _OPTION_SECTIONS:
        if section not in data:
            continue
        table = data[section]
        if not isinstance(table, dict):
            raise ConfigError(
                msg(
                    "config.not_a_table", path=str(file), section=section, meaning=_meaning(section)
                )
            )
        try:
            sets[section].resolve(table)
        except OptionError as exc:
            error: Message | str = exc.message or str(exc)
            raise OptionError(
                msg("config.section_option", path=str(file), section=section, error=error)
            ) from None
        values[section] = dict(table)
    _log.info("configuration read from %s", file)
    return Config(**values)
