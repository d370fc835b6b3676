"""`rkb publish`: build into ROOT/releases/ and switch ROOT/current atomically; rollback."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build.pipeline import BuildError, build_site
from ..records.problems import KbError
from ..serving.locking import BusyError
from ..serving.publish import PublishError, publish, rollback
from .engines import add_engine_argument, engine, engine_ahead
from .output import report, say


def add_arguments(publish_: argparse.ArgumentParser) -> None:
    publish_.add_argument(
        "--root", required=True, help="publishing folder (nginx root: ROOT/current)"
    )
    publish_.add_argument(
        "--rollback", action="store_true", help="switch back to the previous release"
    )
    publish_.add_argument("--internal", action="store_true", help="publish the internal build")
    publish_.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs configuration")
    add_engine_argument(publish_)


def cmd_publish(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    try:
        if args.rollback:
            release = rollback(root)
            say(f"{root}/current now points to {release.name}")
            return 0
        build, name = engine(args.engine)
        release = publish(
            root,
            lambda folder: build_site(
                args.kb,
                folder,
                args.config_file,
                build,
                internal=args.internal,
                lock=False,
                engine_name=name,
                ahead=engine_ahead(args.engine),
            ),
        )
    except KbError as error:
        report(error)
        say("nothing was published; the live site is unchanged")
        return 1
    except (BuildError, BusyError, PublishError) as error:
        say(f"{error}; the live site is unchanged")
        return 1
    except OSError as error:  # e.g. the lock or the link cannot be written
        say(f"{root}: {error.strerror or error}; the live site is unchanged")
        return 1
    say(f"published {release.name}: {root}/current now points to it")
    return 0
