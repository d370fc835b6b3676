"""`rkb serve` on MkDocs' live-reload server, rebuilding only what a save changed.

Every rebuild is a `dirty` build into the same folder with the build cache (see
`rkb.build.cache`): pages whose Markdown is unchanged stay as they are, so a save
renders the record's page, the pages that list or link it, and the site data. A save
that makes the knowledge base invalid builds nothing: the last good site stays served,
the problems are printed, one per line, and shown on every page in a banner that only
this preview server adds to the pages it sends.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer, _serve_url
from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from ..build.cache import CACHE_ENV
from ..build.parallel import stop_children
from ..build.pipeline import BuildError, check_kb, progress
from ..records.problems import KbError
from ..render.labels import labels_for
from .mkdocs_engine import quiet_dirty_warning

BANNER_STYLE = (
    "position:fixed;z-index:1000;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;"
    "margin:0;padding:1em;background:#b71c1c;color:#fff;font:14px/1.4 monospace;"
    "white-space:pre-wrap"
)


class PreviewState:
    """The problems of the last save (empty when it was good), shared with the server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.language = "ru"
        self.saving: threading.Thread | None = None

    def banner(self) -> bytes:
        with self.lock:
            if not self.problems:
                return b""
            heading = labels_for(self.language)["preview_problems"]
            lines = "\n".join(html.escape(line) for line in self.problems)
        return (
            f'<pre id="rkb-preview-problems" role="alert" style="{BANNER_STYLE}">'
            f"{html.escape(heading)}\n{lines}</pre>"
        ).encode()


CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
]
"""What a save does to a file. Only these are asked of the system: a build's own reading
opens and closes every watched file, which would wake the watcher thousands of times."""


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, adding the problems banner to the pages it sends, and
    told of saves by the system (inotify) instead of looking at every watched file twice
    a second: a save is seen at once, and an idle preview costs no CPU."""

    def __init__(self, state: PreviewState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.observer = Observer()  # type: ignore[assignment]  # inotify on Linux

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        if func is not None:  # as MkDocs' own server: plugins only name what to watch
            raise TypeError("Plugins can no longer pass a 'func' parameter to watch().")
        path = str(Path(path).absolute())
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1
        handler = FileSystemEventHandler()
        handler.on_any_event = self._changed  # type: ignore[method-assign]
        try:
            self._watch_refs[path] = self.observer.schedule(
                handler, path, recursive=recursive, event_filter=CHANGES
            )
        except OSError as error:  # e.g. the system's inotify watches are used up
            progress(f"cannot watch {path} for changes ({error}); it will not reload")

    def _changed(self, event: FileSystemEvent) -> None:
        if event.is_directory or type(event) not in CHANGES:
            return
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call]
        banner = self.state.banner()
        if not banner:
            return content
        end = content.rfind(b"</body>")
        end = len(content) if end < 0 else end
        return content[:end] + banner + content[end:]


def _show_problems(state: PreviewState, problems: list[str]) -> None:
    with state.lock:
        state.problems = problems
    for line in problems:
        print(line, file=sys.stderr, flush=True)
    progress("nothing rebuilt; still serving the last good build (see the problems above)")


def _rebuild(config: MkDocsConfig, serve_url: str, kb_dir: Path, state: PreviewState) -> None:
    """One rebuild; an invalid kb or a failed build leaves the site as it was and shows
    the problems (the browser reloads and gets the banner)."""
    started = time.monotonic()
    if state.saving is not None:  # the previous rebuild's cache, written in the background
        state.saving.join()
        state.saving = None
    try:
        cache = os.environ.get(CACHE_ENV)  # the plugin takes this kb, not reading it again
        check_kb(str(kb_dir), Path(cache) if cache else None)
    except KbError as error:
        _show_problems(state, [str(problem) for problem in error.problems])
        return
    plugin = config.plugins["rkb"]
    plugin.use_cache = True  # type: ignore[attr-defined]
    quiet_dirty_warning()
    try:
        build(config, serve_url=serve_url, dirty=True)
    except MkDocsException as error:
        stop_children()  # nothing goes on writing into the served folder
        _show_problems(state, [f"the build failed: {error}"])
        return
    # the browser reloads once this returns: the cache is written meanwhile, and the
    # next rebuild waits for it
    save = plugin.save_cache  # type: ignore[attr-defined]
    state.saving = threading.Thread(target=save, name="rkb-save-cache")
    state.saving.start()
    with state.lock:
        state.problems = []
        state.language = str(config.theme["language"])
    progress(f"rebuilt in {time.monotonic() - started:.1f} s; the browser reloads")


def serve_with_mkdocs(config_file: str, dev_addr: str, strict: bool, kb_dir: Path) -> None:
    """Serve on `dev_addr`, rebuilding on changes; BuildError when it cannot start."""
    site_dir = tempfile.mkdtemp(prefix="rkb-serve-")
    state = PreviewState()

    def get_config() -> MkDocsConfig:
        config = load_config(
            config_file=config_file, site_dir=site_dir, dev_addr=dev_addr, strict=strict
        )
        config.plugins.on_startup(command="serve", dirty=True)
        config.site_url = serve_url
        return config

    try:
        serve_url = ""
        config = get_config()
        host, port = config.dev_addr
        serve_url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
        config.site_url = serve_url

        def builder(config: MkDocsConfig | None = None) -> None:
            _rebuild(config or get_config(), serve_url, kb_dir, state)

        server = PreviewServer(
            state,
            builder=builder,
            host=host,
            port=port,
            root=site_dir,
            mount_path=urlsplit(serve_url).path,
        )
        server.error_handler = lambda code: _error_page(Path(site_dir), code)
        progress(f"building into {site_dir} ...")
        _first_build(config, serve_url)
        _watch(server, config, builder)
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            progress("shutting down")
        finally:
            server.shutdown()
    except MkDocsException as error:
        raise BuildError(str(error)) from None
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _first_build(config: MkDocsConfig, serve_url: str) -> None:
    plugin = config.plugins["rkb"]
    plugin.use_cache = True  # type: ignore[attr-defined]
    quiet_dirty_warning()
    build(config, serve_url=serve_url, dirty=True)
    plugin.save_cache()  # type: ignore[attr-defined]


def _watch(server: PreviewServer, config: MkDocsConfig, builder: Any) -> None:
    server.watch(config.docs_dir)
    if config.config_file_path:
        server.watch(config.config_file_path)
    if config.theme.custom_dir:  # overrides/; not the theme's own installed templates
        server.watch(config.theme.custom_dir)
    config.plugins.on_serve(server, config=config, builder=builder)
    for item in config.watch:
        server.watch(item)


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
