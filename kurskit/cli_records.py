"""The `kurskit` commands about people's records: privacy (Auskunft, erasure, retention)
and certificates (list, revoke). Each calls one plain function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kurskit.authoring.catalog import load_catalog
from kurskit.cli_shared import actor_option, progress, project_of


def cmd_privacy_export(args: argparse.Namespace) -> int:
    from kurskit.privacy import auskunft
    from kurskit.privacy.subject import InvalidLearner, UnknownLearner

    project = project_of(args)
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

    project = project_of(args)
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

    project = project_of(args)
    result = retention.apply(project.grading, load_catalog(project.courses),
                             dry_run=args.dry_run, who=args.actor, progress=progress)
    for line in retention.describe(result):
        print(line)
    return 0


def cmd_certificates_list(args: argparse.Namespace) -> int:
    from kurskit.qualification import certificates

    for cert in certificates.every(project_of(args).grading):
        print(f"{cert.code}  {cert.status():<7}  {cert.issued_on}  {cert.course}  "
              f"{cert.learner}")
    return 0


def cmd_certificates_revoke(args: argparse.Namespace) -> int:
    from kurskit.privacy import audit
    from kurskit.qualification import certificates

    project = project_of(args)
    try:
        cert = certificates.revoke(project.grading, args.code, args.reason)
    except (certificates.UnknownCertificate, ValueError) as error:
        print(f"error: no certificate {args.code!r} ({error})", file=sys.stderr)
        return 1
    audit.record(project.grading, "certificate-revoke", subject=cert.learner, who=args.actor,
                 details={"code": cert.code, "reason": args.reason})
    print(f"{cert.code}: revoked ({cert.revoked_reason})")
    return 0


def privacy_parser(commands: Any) -> None:
    privacy = commands.add_parser(
        "privacy", help="data protection: Auskunft (Art. 15), erasure (Art. 17), retention")
    actions = privacy.add_subparsers(dest="privacy_command", required=True)
    auskunft_cmd = actions.add_parser(
        "export", help="everything about one learner: data.json + German uebersicht.html")
    auskunft_cmd.add_argument("learner", metavar="LEARNER")
    auskunft_cmd.add_argument("--output", required=True, help="the .zip file to write (new)")
    actor_option(auskunft_cmd)
    auskunft_cmd.set_defaults(func=cmd_privacy_export)
    erase_cmd = actions.add_parser(
        "erase", help="erase one learner everywhere; without --yes only list what would go")
    erase_cmd.add_argument("learner", metavar="LEARNER")
    erase_cmd.add_argument("--yes", action="store_true", help="really erase")
    erase_cmd.add_argument("--dry-run", action="store_true", help="only list (the default)")
    actor_option(erase_cmd)
    erase_cmd.set_defaults(func=cmd_privacy_erase)
    retention_cmd = actions.add_parser(
        "retention", help="delete what the registry's retention rules say is due (daily)")
    retention_cmd.add_argument("--dry-run", action="store_true",
                               help="only report what would be deleted")
    actor_option(retention_cmd)
    retention_cmd.set_defaults(func=cmd_privacy_retention)


def certificates_parser(commands: Any) -> None:
    group = commands.add_parser("certificates", help="list or revoke course certificates")
    actions = group.add_subparsers(dest="certificates_command", required=True)
    list_cmd = actions.add_parser("list", help="every certificate with its status")
    list_cmd.set_defaults(func=cmd_certificates_list)
    revoke_cmd = actions.add_parser("revoke", help="revoke a certificate, with a reason")
    revoke_cmd.add_argument("code", metavar="CODE")
    revoke_cmd.add_argument("--reason", required=True, help="shown on the verification page")
    actor_option(revoke_cmd)
    revoke_cmd.set_defaults(func=cmd_certificates_revoke)
