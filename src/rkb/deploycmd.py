"""`rkb nginx` and `rkb publish`: what serving the site with nginx needs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .buildcmd import BuildError, build_site
from .locking import BusyError
from .nginxconf import NginxConfigError, render_config
from .problems import KbError
from .publish import PublishError, publish, rollback


def add_arguments(nginx: argparse.ArgumentParser, publish_: argparse.ArgumentParser) -> None:
    nginx.add_argument(
        "--root",
        default="site",
        help="the nginx root: a built site or ROOT/current (default: site)",
    )
    nginx.add_argument(
        "--site", help="the built site to read, if it is not at --root yet (e.g. in a Dockerfile)"
    )
    nginx.add_argument("--server-name", default="_", help="server_name (default: _)")
    nginx.add_argument("--listen", default="80", help="listen address, e.g. 127.0.0.1:8088")
    nginx.add_argument("-o", "--output", help="write the configuration here (default: stdout)")
    nginx.add_argument("--internal", action="store_true", help="the internal site: basic auth")
    nginx.add_argument("--htpasswd", help="password file for the internal site (htpasswd format)")
    publish_.add_argument(
        "--root", required=True, help="publishing folder (nginx root: ROOT/current)"
    )
    publish_.add_argument(
        "--rollback", action="store_true", help="switch back to the previous release"
    )
    publish_.add_argument("--internal", action="store_true", help="publish the internal build")
    publish_.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs configuration")


def _say(message: str) -> None:
    print(f"rkb: {message}", file=sys.stderr, flush=True)


def cmd_nginx(args: argparse.Namespace) -> int:
    if args.internal and not args.htpasswd:
        _say("--internal needs --htpasswd FILE: the internal site must be password-protected")
        return 1
    if args.htpasswd and not Path(args.htpasswd).is_file():
        _say(f"{args.htpasswd}: no such password file (create it with htpasswd -c FILE USER)")
        return 1
    root = Path(args.root).absolute()
    site = Path(args.site).resolve() if args.site else root.resolve()
    try:
        text = render_config(
            site,
            str(root),
            server_name=args.server_name,
            listen=args.listen,
            htpasswd=str(Path(args.htpasswd).resolve()) if args.htpasswd else None,
            name="internal" if args.internal else "site",
        )
    except NginxConfigError as error:
        _say(str(error))
        return 1
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        _say(f"wrote {args.output}; check it with nginx -t, then reload nginx")
    else:
        sys.stdout.write(text)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    try:
        if args.rollback:
            release = rollback(root)
            _say(f"{root}/current now points to {release.name}")
            return 0
        release = publish(
            root,
            lambda folder: build_site(
                args.kb, folder, args.config_file, internal=args.internal, lock=False
            ),
        )
    except KbError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        _say("nothing was published; the live site is unchanged")
        return 1
    except (BuildError, BusyError, PublishError) as error:
        _say(f"{error}; the live site is unchanged")
        return 1
    _say(f"published {release.name}: {root}/current now points to it")
    return 0
