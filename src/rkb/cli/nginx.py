"""`rkb nginx`: write the nginx configuration for a built site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..serving.nginxconf import DEFAULT_FEEDBACK_LOG, NginxConfigError, render_config
from .output import say


def add_arguments(nginx: argparse.ArgumentParser) -> None:
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
    nginx.add_argument(
        "--feedback-log",
        default=DEFAULT_FEEDBACK_LOG,
        help=f"log of votes and empty searches, for rkb report (default: {DEFAULT_FEEDBACK_LOG})",
    )
    nginx.add_argument("--htpasswd", help="password file for the internal site (htpasswd format)")


def cmd_nginx(args: argparse.Namespace) -> int:
    if args.internal and not args.htpasswd:
        say("--internal needs --htpasswd FILE: the internal site must be password-protected")
        return 1
    if args.htpasswd and not Path(args.htpasswd).is_file():
        say(f"{args.htpasswd}: no such password file (create it with htpasswd -c FILE USER)")
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
            feedback_log=str(Path(args.feedback_log).absolute()),
        )
    except NginxConfigError as error:
        say(str(error))
        return 1
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        say(f"wrote {args.output}; check it with nginx -t, then reload nginx")
    else:
        sys.stdout.write(text)
    return 0
