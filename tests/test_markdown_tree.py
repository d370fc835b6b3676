"""The parts of `rkb markdown` below the command: the configuration round trip, the
not_in_nav patterns, and resolving the configuration's YAML tags as MkDocs does."""

from __future__ import annotations

from pathlib import Path

import pytest

from rkb.build.configfile import ConfigError, Tagged, read_config, write_config
from rkb.build.markdown_tree import not_in_nav
from rkb.build.tree_index import resolve

CONFIG = """\
site_name: X
markdown_extensions:
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
extra:
  key: !ENV [RKB_TEST_UNSET_VARIABLE, fallback]
"""


def test_tags_survive_the_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "mkdocs.yml"
    source.write_text(CONFIG, encoding="utf-8")
    config = read_config(source)
    slugify = config["markdown_extensions"][0]["toc"]["slugify"]
    assert slugify == Tagged(
        "tag:yaml.org,2002:python/object/apply:pymdownx.slugs.slugify", {"kwds": {"case": "lower"}}
    )
    written = tmp_path / "out.yml"
    write_config(written, config, "# header\n")
    text = written.read_text(encoding="utf-8")
    assert "!!python/object/apply:pymdownx.slugs.slugify" in text
    assert "!!python/name:pymdownx.superfences.fence_code_format" in text
    assert "!ENV" in text
    assert read_config(written) == config


def test_tags_resolve_as_mkdocs_resolves_them(tmp_path: Path) -> None:
    source = tmp_path / "mkdocs.yml"
    source.write_text(CONFIG, encoding="utf-8")
    config = resolve(read_config(source))
    slugify = config["markdown_extensions"][0]["toc"]["slugify"]
    assert slugify("Отчёт Excel", "-") == "отчёт-excel"
    fence = config["markdown_extensions"][1]["pymdownx.superfences"]["custom_fences"][0]
    assert fence["format"].__name__ == "fence_code_format"
    assert config["extra"]["key"] == "fallback"


def test_a_broken_configuration_is_one_line_with_its_position(tmp_path: Path) -> None:
    source = tmp_path / "mkdocs.yml"
    source.write_text("site_name: X\nnav: [a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mkdocs\.yml:\d+:\d+: not valid YAML"):
        read_config(source)


def test_pages_out_of_the_nav_become_one_pattern_per_record_folder() -> None:
    paths = ["search/index.md", "faults/F-0001.md", "faults/F-0002.md", "training/T-01.md"]
    assert not_in_nav(paths) == "/search/index.md\n/faults/F-*.md\n/training/T-*.md\n"
