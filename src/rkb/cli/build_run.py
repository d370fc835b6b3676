"""`rkb build` once its first folders are being made: the site engine, validation, the
build into a staging folder and the swap (`build.pipeline`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..adapters.mkdocs_engine import engine_logging, quiet_engine_banner
from ..build.pipeline import BuildError, build_site, progress
from ..records.problems import KbError
from ..serving.locking import BusyError
from .engines import engine, engine_ahead
from .output import report


def run_build(args: argparse.Namespace) -> int:
    quiet_engine_banner()
    engine_logging()
    try:
        build, name = engine(args.engine)
        build_site(
            args.kb,
            Path(args.site_dir),
            args.config_file,
            build,
            args.strict,
            args.internal,
            pdf=args.pdf,
            cache=args.cache,
            engine_name=name,
            ahead=engine_ahead(args.engine),
        )
    except KbError as error:
        report(error)
        progress(f"nothing was built; {args.site_dir} is unchanged")
        return 1
    except (BuildError, BusyError) as error:
        progress(f"{error}; {args.site_dir} is unchanged")
        return 1
    return 0
