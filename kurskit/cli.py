"""The `kurskit` command: a thin layer, each command calls one plain function."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kurskit import cli_records, deployment, nbgrader_course, start
from kurskit.authoring.catalog import load_catalog
from kurskit.cli_shared import actor_option as _actor_option
from kurskit.cli_shared import progress as _progress
from kurskit.cli_shared import project_of as _project
from kurskit.hub import accounts, hub_config, run
from kurskit.layout import Project, gradebook_file, portal_path
from kurskit.release import build, check
from kurskit.reporting import competences, progress


def cmd_check(args: argparse.Namespace) -> int:
    project = _project(args)
    try:
        problems = check.check(project.courses, project.grading,
                               with_nbgrader=not args.static, progress=_progress)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print("all courses are clean")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    project = _project(args)
    try:
        if args.site_only:
            build.build_site(project)
        else:
            build.build(project, progress=_progress)
    except (build.BuildError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"release notebooks: {project.grading / 'release'}\n"
          f"learner portal:    {project.portal}\nhandbook:          {project.site}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    project = _project(args)
    output = Path(args.output).resolve() if args.output else project.report
    if not nbgrader_course.has_gradebook(project.grading):
        print(f"error: no gradebook at {gradebook_file(project.grading)}; "
              "run `kurskit build` first", file=sys.stderr)
        return 1
    result = progress.make_report(project.grading, load_catalog(project.courses), output,
                                  progress=_progress)
    for line in progress.summary(result):
        print(line)
    print(f"progress report: {output}")
    return 0


def cmd_competences(args: argparse.Namespace) -> int:
    project = _project(args)
    print(competences.coverage_report(load_catalog(project.courses)))
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    project = _project(args)
    if not args.no_build and cmd_build(args) != 0:
        return 1
    ports = start.Ports(portal=args.portal_port, lab=args.lab_port,
                        handbook=args.handbook_port, service=args.service_port)
    catalog = load_catalog(project.courses)
    pools = {}
    for spec in args.pool:
        module_id, _, size = spec.partition("=")
        module = catalog.module(module_id)
        if module is None or not size.isdigit():
            print(f"error: --pool {spec!r}: expected MODULE=SIZE, e.g. "
                  "datenschutz-01-grundlagen=20", file=sys.stderr)
            return 2
        course = next(c for c in catalog.courses if module in c.modules)
        pools[portal_path(course, module)] = int(size)
    limits = start.PortalLimits(module_view=args.module_view, pool_size=args.pool_size,
                                pools=pools,
                                max_sessions=args.max_sessions, cull_idle=args.cull_idle)
    if args.hub:
        return run.start_hub(project, port=args.hub_port, limits=limits)
    return start.start(project, ports=ports, learner=args.learner, limits=limits)


def cmd_users_add(args: argparse.Namespace) -> int:
    project = _project(args)
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"Passwort für {args.name}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        account = accounts.add_user(project, args.name, args.role, password)
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{'created' if account.created else 'updated'}: {account.name} ({account.role})")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    for name, role in accounts.roles(_project(args)).items():
        print(f"{name}\t{role}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kurskit.grading import regrade

    project = _project(args)
    if not args.modules and not args.all:
        print("error: name the modules to regrade, or --all", file=sys.stderr)
        return 2
    bars: list[tqdm] = []

    def progress_bar(total: int):
        bar = tqdm(total=total, unit="submission", desc="grading", file=sys.stderr,
                   disable=args.quiet, mininterval=0.5)
        bars.append(bar)
        return lambda: bar.update(1)

    try:
        methods = {m.id: m.policy.grading_method
                   for m in load_catalog(project.courses).modules}
        reports = regrade.regrade(project.grading, args.modules or None, restart=args.restart,
                                  workers=args.workers, progress=progress_bar,
                                  methods=methods)
    finally:
        for bar in bars:
            bar.close()
    print(regrade.report_table(reports))
    from kurskit.privacy import audit

    audit.record(project.grading, "regrade", subject=None, who=args.actor,
                 details={"modules": sorted(reports), "restart": args.restart,
                          "graded": sum(r.graded for r in reports.values())})
    return 1 if any(r.failed for r in reports.values()) else 0


def cmd_export(args: argparse.Namespace) -> int:
    from kurskit.reporting import export

    project = _project(args)
    try:
        written = export.export_grades(project.grading, load_catalog(project.courses),
                                       fmt=args.format, output=Path(args.output),
                                       course=args.course, who=args.actor)
    except (export.ExportError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in export.describe(written):
        print(line)
    return 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="kurskit", description="Course kit: lint, build and serve kurskit courses.")
    main_parser.add_argument("--root", help="project root (default: $KURSKIT_ROOT or .)")
    commands = main_parser.add_subparsers(dest="command", required=True)

    check_cmd = commands.add_parser("check", help="lint every course; exit 0 only when clean")
    check_cmd.add_argument("--static", action="store_true",
                           help="skip the round trip through real nbgrader")
    check_cmd.set_defaults(func=cmd_check)

    build_cmd = commands.add_parser(
        "build", help="release modules, arrange portal, report progress, build handbook")
    build_cmd.add_argument("--site-only", action="store_true",
                           help="only build the handbook, from the existing release and report")
    build_cmd.set_defaults(func=cmd_build)

    report_cmd = commands.add_parser(
        "report", help="aggregate learning progress from the gradebook (no personal data)")
    report_cmd.add_argument("--output", help="aggregates file (default: "
                            f"{Project(Path()).report})")
    report_cmd.set_defaults(func=cmd_report)

    coverage_cmd = commands.add_parser(
        "competences", help="print which DigComp 2.2 competences the catalogue covers")
    coverage_cmd.set_defaults(func=cmd_competences)

    grade_cmd = commands.add_parser(
        "grade", help="regrade stored submissions (newest per learner) with the fast path")
    grade_cmd.add_argument("modules", nargs="*", metavar="MODULE", help="module ids")
    grade_cmd.add_argument("--all", action="store_true", help="every module with submissions")
    grade_cmd.add_argument("--restart", action="store_true",
                           help="ignore what an interrupted earlier run finished")
    grade_cmd.add_argument("--workers", type=int, default=None,
                           help="grading processes (default: one per core)")
    grade_cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    _actor_option(grade_cmd)
    grade_cmd.set_defaults(func=cmd_grade)

    export_cmd = commands.add_parser(
        "export", help="export grades: Moodle's CSV grade import, or the German CSV for HR")
    export_cmd.add_argument("--format", choices=("moodle", "csv"), required=True,
                            help="moodle: one row per learner, score and feedback per module; "
                                 "csv: Name;Kurs;Status;Datum;Zertifikat gültig bis")
    export_cmd.add_argument("--course", help="only this course (its folder name)")
    export_cmd.add_argument("--output", required=True, help="the CSV file to write (new)")
    _actor_option(export_cmd)
    export_cmd.set_defaults(func=cmd_export)
    cli_records.privacy_parser(commands)
    cli_records.certificates_parser(commands)

    _start_parser(commands)
    _users_parser(commands)
    return main_parser


def _start_parser(commands: Any) -> None:
    start_cmd = commands.add_parser("start", help="build, then serve portal, lab, handbook, API")
    start_cmd.add_argument("--learner", default=os.environ.get(deployment.LEARNER,
                                                               deployment.DEFAULT_LEARNER),
                           help="the learner of this local server (local identity mode)")
    start_cmd.add_argument("--no-build", action="store_true", help="serve what is built")
    defaults = start.Ports()
    for part in ("portal", "lab", "handbook", "service"):
        start_cmd.add_argument(f"--{part}-port", type=int, default=getattr(defaults, part),
                               help=f"port of the {part} (default {getattr(defaults, part)})")
    limits = start.PortalLimits()
    start_cmd.add_argument("--module-view", choices=("auto", "page", "voila"),
                           default=limits.module_view,
                           help="how the portal opens a module: 'auto' = as `kurskit build` "
                                "chose (Voilà for modules with interactive elements, else the "
                                "page); force for every module 'page' = HTML page, no kernel, "
                                "fast on any PC, or 'voila' = the notebook app with widgets, one "
                                f"kernel per learner (default {limits.module_view})")
    start_cmd.add_argument("--pool-size", type=int, default=limits.pool_size,
                           help="Voilà view: preheated kernels kept ready per module "
                                f"(default {limits.pool_size}; 0 = start kernels on demand)")
    start_cmd.add_argument("--pool", action="append", default=[], metavar="MODULE=SIZE",
                           help="a larger pool for one module, e.g. before a whole office "
                                "takes it (repeatable)")
    start_cmd.add_argument("--max-sessions", type=int, default=limits.max_sessions,
                           help="module pages served at once; more get a German 'portal "
                                f"full' page (default {limits.max_sessions}, ≈60 MB each)")
    start_cmd.add_argument("--cull-idle", type=int, default=limits.cull_idle,
                           help="seconds until a kernel whose page was closed without "
                                f"goodbye is stopped (default {limits.cull_idle})")
    start_cmd.add_argument("--hub", action="store_true",
                           help="multi-user mode: everything behind JupyterHub, accounts and "
                                "roles from the hub, the gradebook in PostgreSQL")
    start_cmd.add_argument("--hub-port", type=int, default=8090,
                           help="JupyterHub's address with --hub (default 8090)")
    start_cmd.set_defaults(func=cmd_start, site_only=False)


def _users_parser(commands: Any) -> None:
    users = commands.add_parser("users", help="accounts of multi-user mode (JupyterHub)")
    actions = users.add_subparsers(dest="users_command", required=True)
    add_cmd = actions.add_parser("add", help="create an account or set its password and role; "
                                             "the password is read from standard input")
    add_cmd.add_argument("name", metavar="NAME")
    add_cmd.add_argument("--role", required=True, choices=hub_config.GROUPS)
    add_cmd.set_defaults(func=cmd_users_add)
    list_cmd = actions.add_parser("list", help="every account with its role")
    list_cmd.set_defaults(func=cmd_users_list)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
