"""Reading and writing `mkdocs.yml` without interpreting it.

Values with a tag rkb does not know (`!!python/object/apply:…`, `!!python/name:…`, `!ENV`)
are kept as `Tagged` and written back with the same tag, so a configuration written by
`rkb markdown` means exactly what the project's own means to whichever engine reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Tagged:
    """A YAML value whose tag is left for the engine to resolve."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(str(node.tag), value)


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None  # not_in_nav and other pattern lists stay readable
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Loader.add_multi_constructor("!", _construct_tagged)
_Dumper.add_representer(Tagged, _represent_tagged)
_Dumper.add_representer(str, _represent_text)


class ConfigError(Exception):
    """The configuration file cannot be read; the message says where and why."""


def read_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it: {error.strerror}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {error.problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1:1: expected a mapping of settings")
    return data


def write_config(path: Path, config: dict[str, Any], header: str = "") -> None:
    text = yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + text, encoding="utf-8")
