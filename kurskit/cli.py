"""The `kurskit` command: a thin layer, each command calls one plain function."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kurskit import deployment, nbgrader_course, start
from kurskit.authoring.catalog import load_catalog
from kurskit.hub import accounts, hub_config, run
from kurskit.layout import Project, gradebook_file, portal_path
from kurskit.release import build, check
from kurskit.reporting import competences, progress


def _project(args: argparse.Namespace) -> Project:
    project = Project(Path(args.root).resolve()) if args.root else Project.from_env()
    if not project.courses.is_dir():
        raise SystemExit(f"error: {project.root} has no courses/ folder (use --root)")
    return project


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


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


def cmd_privacy_export(args: argparse.Namespace) -> int:
    from kurskit.privacy import auskunft
    from kurskit.privacy.subject import InvalidLearner, UnknownLearner

    project = _project(args)
    try:
        path = auskunft.export_learner(project.grading, load_catalog(project.courses),
                                       args.learner, Path(args.output), who=args.actor)
    except InvalidLearner as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (UnknownLearner, FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Auskunft for {args.learner}: {path}")
    return 0


def cmd_privacy_erase(args: argparse.Namespace) -> int:
    from kurskit.privacy import erasure
    from kurskit.privacy.subject import InvalidLearner, UnknownLearner

    project = _project(args)
    try:
        result = erasure.erase(project.grading, args.learner,
                               confirm=args.yes and not args.dry_run, who=args.actor)
    except InvalidLearner as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except UnknownLearner as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in erasure.describe(result):
        print(line)
    if not result.done:
        print("dry run: nothing changed; pass --yes (without --dry-run) to erase")
    return 0


def cmd_privacy_retention(args: argparse.Namespace) -> int:
    from kurskit.privacy import retention

    project = _project(args)
    result = retention.apply(project.grading, load_catalog(project.courses),
                             dry_run=args.dry_run, who=args.actor, progress=_progress)
    for line in retention.describe(result):
        print(line)
    return 0


def cmd_certificates_list(args: argparse.Namespace) -> int:
    from kurskit.qualification import certificates

    for cert in certificates.every(_project(args).grading):
        print(f"{cert.code}  {cert.status():<7}  {cert.issued_on}  {cert.course}  "
              f"{cert.learner}")
    return 0


def cmd_certificates_revoke(args: argparse.Namespace) -> int:
    from kurskit.privacy import audit
    from kurskit.qualification import certificates

    project = _project(args)
    try:
        cert = certificates.revoke(project.grading, args.code, args.reason)
    except (certificates.UnknownCertificate, ValueError) as error:
        print(f"error: no certificate {args.code!r} ({error})", file=sys.stderr)
        return 1
    audit.record(project.grading, "certificate-revoke", subject=cert.learner, who=args.actor,
                 details={"code": cert.code, "reason": args.reason})
    print(f"{cert.code}: revoked ({cert.revoked_reason})")
    return 0


def _certificates_parser(commands: Any) -> None:
    group = commands.add_parser("certificates", help="list or revoke course certificates")
    actions = group.add_subparsers(dest="certificates_command", required=True)
    list_cmd = actions.add_parser("list", help="every certificate with its status")
    list_cmd.set_defaults(func=cmd_certificates_list)
    revoke_cmd = actions.add_parser("revoke", help="revoke a certificate, with a reason")
    revoke_cmd.add_argument("code", metavar="CODE")
    revoke_cmd.add_argument("--reason", required=True, help="shown on the verification page")
    _actor_option(revoke_cmd)
    revoke_cmd.set_defaults(func=cmd_certificates_revoke)


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
    _privacy_parser(commands)
    _certificates_parser(commands)

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


def _actor_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--actor", help="the staff account recorded in the audit log "
                         "(default: $KURSKIT_ACTOR, else the operating-system user)")


def _privacy_parser(commands: Any) -> None:
    privacy = commands.add_parser(
        "privacy", help="data protection: Auskunft (Art. 15), erasure (Art. 17), retention")
    actions = privacy.add_subparsers(dest="privacy_command", required=True)
    auskunft_cmd = actions.add_parser(
        "export", help="everything about one learner: data.json + German uebersicht.html")
    auskunft_cmd.add_argument("learner", metavar="LEARNER")
    auskunft_cmd.add_argument("--output", required=True, help="the .zip file to write (new)")
    _actor_option(auskunft_cmd)
    auskunft_cmd.set_defaults(func=cmd_privacy_export)
    erase_cmd = actions.add_parser(
        "erase", help="erase one learner everywhere; without --yes only list what would go")
    erase_cmd.add_argument("learner", metavar="LEARNER")
    erase_cmd.add_argument("--yes", action="store_true", help="really erase")
    erase_cmd.add_argument("--dry-run", action="store_true", help="only list (the default)")
    _actor_option(erase_cmd)
    erase_cmd.set_defaults(func=cmd_privacy_erase)
    retention_cmd = actions.add_parser(
        "retention", help="delete what the registry's retention rules say is due (daily)")
    retention_cmd.add_argument("--dry-run", action="store_true",
                               help="only report what would be deleted")
    _actor_option(retention_cmd)
    retention_cmd.set_defaults(func=cmd_privacy_retention)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
