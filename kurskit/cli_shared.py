"""What the `kurskit` commands share: the project they work on, progress lines, --actor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kurskit.layout import Project


def project_of(args: argparse.Namespace) -> Project:
    project = Project(Path(args.root).resolve()) if args.root else Project.from_env()
    if not project.courses.is_dir():
        raise SystemExit(f"error: {project.root} has no courses/ folder (use --root)")
    return project


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def actor_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--actor", help="the staff account recorded in the audit log "
                         "(default: $KURSKIT_ACTOR, else the operating-system user)")
