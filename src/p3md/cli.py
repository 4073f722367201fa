"""Command line: ``python -m p3md report | status | generate | check | template | map``.

Exit codes: 0 success; 1 a gate or stage failed (the readable message goes to stderr);
2 bad parameters or usage. Heavy libraries (pandas, papermill, great-expectations) are imported
only inside the commands, so ``import p3md.cli`` and ``--help`` stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="p3md", description="P3MD research compendium")
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("report", help="run every stage (cached) and render the site")
    rep.add_argument("--data", type=Path, help="raw data folder (default data/raw)")
    rep.add_argument("--out", type=Path, help="report folder (default reports)")
    rep.add_argument("--force", action="store_true", help="rerun every stage, ignore the cache")
    rep.add_argument(
        "--only",
        action="append",
        metavar="STAGE",
        help="run only this stage (and what it needs); repeatable",
    )
    rep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a notebook parameter, e.g. --set alpha_correlation=0.05",
    )
    rep.add_argument("--no-site", action="store_true", help="do not render the site")
    rep.add_argument(
        "--no-pdf",
        action="store_true",
        help="render the website only: no PDF (a PDF that cannot be made otherwise fails the run)",
    )
    rep.add_argument(
        "--derived",
        type=Path,
        help="where derived CSVs are copied on success (default data/derived)",
    )
    rep.add_argument("--no-derived", action="store_true", help="do not copy derived CSVs")
    rep.add_argument(
        "--jobs",
        type=int,
        help="stages of one district run in parallel (default 2; 1 in a multi-district run)",
    )
    rep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="multi-district data: run the districts on this Dask scheduler (tcp://HOST:8786; "
        "default $DASK_SCHEDULER_ADDRESS, else an embedded LocalCluster)",
    )

    st = sub.add_parser(
        "status", help="list the stages of a report folder that are out of date, and why"
    )
    st.add_argument("--data", type=Path, help="raw data folder (default data/raw)")
    st.add_argument("--out", type=Path, help="report folder (default reports)")
    st.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    st.add_argument(
        "--graph", action="store_true", help="print the stage graph as a Mermaid flowchart"
    )

    gen = sub.add_parser("generate", help="write the seeded reconstructed raw data")
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--seed", type=int)
    gen.add_argument("--scale", type=int)
    gen.add_argument(
        "--as",
        dest="road",
        choices=["csv", "google-forms", "kobo", "kobo-xml", "spss", "template"],
        default="csv",
        help="write data/raw as the guide's worked example of a road: a Google Forms or "
        "KoboToolbox export, SPSS/Stata files, or a filled data-entry template",
    )
    gen.add_argument(
        "--districts",
        type=int,
        nargs="?",
        const=0,
        metavar="N",
        help="write a multi-district folder: Lampung's kabupaten (Table 1), or N districts "
        "(beyond Lampung's, synthetic ones)",
    )

    chk = sub.add_parser("check", help="run the input gates on a raw data folder (no notebooks)")
    chk.add_argument("--data", type=Path, help="raw data folder (default data/raw)")
    chk.add_argument("--codebook", type=Path, help="codebook (default data/codebook.yaml)")
    chk.add_argument("--json", type=Path, help="also write the gate results to this JSON file")

    tpl = sub.add_parser("template", help="write the Excel data-entry template (from the codebook)")
    tpl.add_argument("--out", type=Path, required=True, help="the workbook to write (.xlsx)")
    tpl.add_argument("--codebook", type=Path, help="codebook (default data/codebook.yaml)")
    tpl.add_argument(
        "--data", type=Path, help="a study folder: its codebook.yaml is used (default data/raw)"
    )

    mp = sub.add_parser(
        "map", help="match a form export's headers and answers to the codebook: mapping.yaml"
    )
    mp.add_argument("--data", type=Path, required=True, help="the export (.csv or .xlsx)")
    mp.add_argument("--file", required=True, help="the raw file it holds, e.g. official_ratings")
    mp.add_argument("--sheet", help="the sheet of an .xlsx export (default: the first)")
    mp.add_argument("--codebook", type=Path, help="codebook (default data/codebook.yaml)")
    return parser


def _parse_sets(pairs: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(f"--set expects KEY=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        values[key.strip()] = value.strip()
    return values


def _run_values(args: argparse.Namespace) -> dict[str, Any]:
    """The run's parameter values from ``--set`` plus ``--data``/``--out`` (report, status)."""
    values = _parse_sets(args.set)
    if args.data is not None:
        values["data_dir"] = args.data
    if args.out is not None:
        values["out_dir"] = args.out
    return values


def cmd_report(args: argparse.Namespace) -> int:
    from p3md.pipeline.params import ParameterError, make_params
    from p3md.pipeline.stages import STAGES, RegistryError, upstream_closure

    try:
        values = _run_values(args)
        params = make_params(**values)
        if args.only:
            upstream_closure(STAGES, args.only)
    except (ParameterError, ValueError, RegistryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    from p3md import PROJECT_ROOT
    from p3md.io.errors import RawDataError
    from p3md.pipeline.atomic import RunLockedError
    from p3md.pipeline.districts import is_multi_district
    from p3md.pipeline.runner import PipelineSafetyError, run_pipeline
    from p3md.pipeline.stages import DISTRICT_STAGES
    from p3md.pipeline.system_errors import SystemFailure
    from p3md.safe_yaml import DataFileError

    # The site is rendered by the site step, which the runner calls before it swaps the new
    # report in (the pipeline itself does not import the site).
    from p3md.site.step import SiteStep

    renderer = None if args.no_site else SiteStep(pdf=not args.no_pdf)
    multi = is_multi_district(params.data_dir)
    if args.only and multi:
        print(
            "error: --only applies to one district's data, not a folder of districts",
            file=sys.stderr,
        )
        return EXIT_USAGE
    derived = None if args.no_derived else (args.derived or PROJECT_ROOT / "data" / "derived")
    try:
        if multi:
            from p3md.pipeline.districts import run_districts

            values.pop("data_dir", None)
            values.pop("out_dir", None)
            multi_result = run_districts(
                params.data_dir,
                params.out_dir,
                values,
                force=args.force,
                renderer=renderer,
                max_workers=args.jobs or 1,
                scheduler=args.scheduler,
            )
            if not multi_result.success:
                print(multi_result.message, file=sys.stderr)
            return multi_result.exit_code
        # A district's own folder (with its design.yaml) has the district stages only.
        own_design = (params.data_dir / "design.yaml").is_file()
        result = run_pipeline(
            params,
            force=args.force,
            only=args.only,
            renderer=renderer,
            stages=DISTRICT_STAGES if own_design else None,
            derived_dir=derived,
            max_workers=args.jobs or 2,
        )
    except (PipelineSafetyError, RunLockedError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemFailure as exc:  # the machine (disk full, read-only ...), not the data
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (DataFileError, RawDataError) as exc:  # design.yaml / mapping.yaml / a path
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Interrupted; the last good report is unchanged.", file=sys.stderr)
        return 130
    assert result is not None
    if not result.success:
        print(result.message, file=sys.stderr)
    return result.exit_code


def cmd_status(args: argparse.Namespace) -> int:
    """``p3md status``: like ``make report`` would decide, without running anything."""
    from p3md.pipeline.districts import is_multi_district
    from p3md.pipeline.params import ParameterError, make_params
    from p3md.pipeline.stages import default_registry
    from p3md.pipeline.status import stage_status, status_lines

    try:
        values = _run_values(args)
        params = make_params(**values)
    except (ParameterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if is_multi_district(params.data_dir):
        print(
            "error: status reads one report folder; for a district give --data DATA/<district> "
            "--out OUT/districts/<district>",
            file=sys.stderr,
        )
        return EXIT_USAGE
    kind = "district" if (params.data_dir / "design.yaml").is_file() else "single"
    stages = default_registry().for_run(kind)
    statuses = stage_status(params, stages, print)
    if args.graph:
        from p3md.pipeline.status import mermaid

        print(mermaid(stages, statuses), end="")
        return EXIT_OK
    for line in status_lines(statuses, str(args.out or "reports")):
        print(line)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    if args.districts is not None:
        from p3md.reconstruction.districts import generate_districts

        folders = generate_districts(
            args.out, n=args.districts or None, **({"seed": args.seed} if args.seed else {})
        )
        print(f"{len(folders)} district folders written to {args.out}")
        return EXIT_OK
    if args.road != "csv":
        from p3md import PROJECT_ROOT
        from p3md.reconstruction.exports import BUILDERS

        if args.seed is not None or args.scale is not None:
            print(
                "error: --as converts data/raw as it is; --seed/--scale apply to csv",
                file=sys.stderr,
            )
            return EXIT_USAGE
        example = BUILDERS[args.road](PROJECT_ROOT / "data" / "raw", args.out)
        for key, name in example.exports.items():
            print(f"{key}: {args.out / name}")
        print(f"Example data folder ({args.road}) written to {args.out}")
        return EXIT_OK
    from p3md.reconstruction import generate  # type: ignore[attr-defined]

    kwargs: dict[str, Any] = {}
    if args.seed is not None:
        kwargs["seed"] = args.seed
    if args.scale is not None:
        kwargs["scale"] = args.scale
    generate(args.out, **kwargs)
    print(f"Raw data written to {args.out}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from p3md.pipeline.check import check_data_dir
    from p3md.pipeline.params import DEFAULT_DATA_DIR

    data = args.data or DEFAULT_DATA_DIR
    codebook = _codebook_for(Path(data), args.codebook)
    if not Path(data).is_dir():
        print(
            f"error: Invalid parameter data_dir = {str(data)!r}: allowed is an existing folder.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from p3md.safe_yaml import DataFileError

    try:
        report = check_data_dir(Path(data), Path(codebook), json_path=args.json)
    except DataFileError as exc:  # the folder's design.yaml
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    for line in report.lines:
        print(line)
    if report.failure is not None:
        print(str(report.failure), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from p3md.codebook import load_codebook
    from p3md.io.template import write_template

    if args.out.suffix.lower() != ".xlsx":
        print(f"error: --out must name an .xlsx file, got {str(args.out)!r}", file=sys.stderr)
        return EXIT_USAGE
    path = write_template(args.out, load_codebook(_codebook_for(args.data, args.codebook)))
    print(f"Data-entry template written to {path}")
    return EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    from p3md.codebook import load_codebook
    from p3md.io.errors import RawDataError
    from p3md.io.mapping import map_export

    cb = load_codebook(_codebook_for(None, args.codebook))
    if args.file not in cb.files:
        print(
            f"error: --file must be one of {', '.join(cb.files)}, got {args.file!r}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not args.data.is_file():
        print(f"error: the export {str(args.data)!r} does not exist", file=sys.stderr)
        return EXIT_USAGE
    try:
        proposal, path, lines = map_export(args.data, cb, args.file, sheet=args.sheet)
    except RawDataError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    for line in lines:
        print(line)
    print(f"Mapping written to {path}")
    return EXIT_FAILED if proposal.needs_edit else EXIT_OK


def _codebook_for(data: Path | None, codebook: Path | None) -> Path:
    """The codebook to use: ``--codebook``, else the data folder's own ``codebook.yaml``
    (a study of its own), else ``data/codebook.yaml``."""
    from p3md.pipeline.params import DEFAULT_CODEBOOK, study_files

    return codebook or study_files(data).get("codebook_path") or DEFAULT_CODEBOOK


def main(argv: Sequence[str] | None = None) -> int:
    from p3md.codebook import CodebookError
    from p3md.safe_yaml import DataFileError

    args = _parser().parse_args(argv)
    handler = {
        "report": cmd_report,
        "status": cmd_status,
        "generate": cmd_generate,
        "check": cmd_check,
        "template": cmd_template,
        "map": cmd_map,
    }[args.command]
    try:
        return handler(args)
    except CodebookError as exc:  # a student's codebook: what to change, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataFileError as exc:  # a data folder's YAML read where no command expected it
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
