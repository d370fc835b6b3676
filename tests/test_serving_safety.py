"""The generated nginx configuration under gixy-ng, and a publish onto a full file system."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rkb.serving.nginxconf import render_config
from sitebuild import FIXTURES, copy_project, read_tree, rkb

GIXY = Path(sys.executable).with_name("gixy")
# A main configuration as Debian ships it, around the generated file.
MAIN_CONF = """\
user www-data;
worker_processes auto;
worker_rlimit_nofile 4096;
pid /run/nginx.pid;
events {{ worker_connections 768; }}
http {{
    sendfile on;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    include {site_conf};
}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("safety")
    return copy_project(base / "project", kb=FIXTURES / "minimal_kb", docs=False)


def _gixy(tmp_path: Path, site_conf: str) -> list[dict[str, str]]:
    (tmp_path / "site.conf").write_text(site_conf, encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(MAIN_CONF.format(site_conf=tmp_path / "site.conf"), encoding="utf-8")
    result = subprocess.run(
        [str(GIXY), "-f", "json", str(main)], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip(), result.stderr
    issues: list[dict[str, str]] = json.loads(result.stdout)
    return issues


@pytest.mark.skipif(not GIXY.exists(), reason="needs gixy-ng (pip install -e '.[test]')")
def test_gixy_finds_no_high_or_medium_issue(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert rkb("build", "-d", site, cwd=project).returncode == 0
    for internal in (False, True):
        htpasswd = str(tmp_path / "htpasswd") if internal else None
        conf = render_config(site, "/srv/www/current", "docs.example.ru", "80", htpasswd=htpasswd)
        issues = _gixy(tmp_path, conf)
        serious = [i for i in issues if i["severity"] in ("HIGH", "MEDIUM")]
        assert serious == [], serious
    # The check can fail: without open_file_cache gixy-ng reports try_files_is_evil_too.
    bare = re.sub(r"(?m)^\s*open_file_cache.*\n", "", conf)
    plugins = {issue["plugin"] for issue in _gixy(tmp_path, bare)}
    assert "try_files_is_evil_too" in plugins


# -- a publish onto a full file system ---------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path, project: Path) -> Iterator[Path]:
    """A tmpfs with room for two releases and a half."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (scripts/test.sh runs as root in CI)")
    if shutil.which("mount") is None:
        pytest.skip("needs mount(8)")
    sample = tmp_path / "sample"
    assert rkb("build", "-d", sample, cwd=project).returncode == 0
    size = sum(p.stat().st_size for p in sample.rglob("*") if p.is_file())
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size * 5 // 2}", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_publish_onto_a_full_disk_fails_cleanly(small_disk: Path, project: Path) -> None:
    www = small_disk / "www"
    for _ in range(2):
        done = rkb("publish", "--root", www, cwd=project)
        assert done.returncode == 0, done.stderr
    live = (www / "current").resolve()
    kept = sorted((www / "releases").iterdir())
    before = {release.name: read_tree(release) for release in kept}
    result = rkb("publish", "--root", www, cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"rkb: {re.escape(str(www))}: no space left on the device for the new release "
        r"\(\d+ KiB free, the live release takes \d+ KiB\); free some space and publish again; "
        r"the live site is unchanged",
        last,
    ), last
    assert (www / "current").resolve() == live
    assert sorted((www / "releases").iterdir()) == kept  # nothing new, nothing lost
    assert {release.name: read_tree(release) for release in kept} == before
    assert not list(www.glob(".current.*"))
