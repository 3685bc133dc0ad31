"""Commands that read scenarios and folders.

validate, policies, parameters, report, explain and compare.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from sim.catalogue.roles import Role
from sim.cli.shared import RESULTS_ROOT, RunDir, err, out
from sim.errors import UserError


def validate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Scenario files to check.", show_default=False, metavar="FILE"),
    ],
) -> None:
    """Check scenario files against the schema and the policies, reporting every problem.

    Exits 0 when every file is valid, 2 otherwise. Nothing is run.
    """
    from sim.spec.loading import load_scenario

    failed = 0
    for file in files:
        try:
            loaded = load_scenario(file)
        except UserError as error:
            failed += 1
            err.print(f"[red]✗[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
            continue
        s = loaded.scenario
        actors = ", ".join(f"{name}={spec.policy}" for name, (_, spec) in s.role_specs().items())
        out.print(
            f"[green]✓[/green] {escape(str(file))}: {s.name}, {len(s.sectors)} sectors, "
            f"{s.ticks} ticks of {s.tick_hours} h; {actors}",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(2)


def policies(
    role: Annotated[
        Role | None,
        typer.Option(
            help="Only this role's policies: attacker, defender, patron, alliance or "
            "third_party (a scenario casts states in the roles; see docs/scenarios.md).",
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """List every policy with its parameters (range, default, meaning)."""
    from sim.policies import REGISTRY

    for (kind, name), cls in sorted(REGISTRY.items()):
        if role is not None and kind != role:
            continue
        out.print(f"\n[bold]{kind.value} / {name}[/bold]  {cls.describe()}", highlight=False)
        table = Table(show_header=True, header_style="dim", box=None, pad_edge=False)
        for column in ("parameter", "range", "default", "meaning"):
            table.add_column(column, overflow="fold")
        for field_name, info in cls.Params.model_fields.items():
            low = high = None
            for meta in info.metadata:
                low = getattr(meta, "ge", low)
                high = getattr(meta, "le", high)
            span = (
                f"{low}-{high}"
                if low is not None
                else info.annotation.__name__
                if hasattr(info.annotation, "__name__")
                else "list"
            )
            default = info.get_default(call_default_factory=True)
            table.add_row(
                field_name, span, str(default if default != [] else "[]"), info.description or ""
            )
        out.print(table)


def parameters(
    file: Annotated[
        Path, typer.Argument(help="A scenario file.", show_default=False, metavar="FILE")
    ],
    match: Annotated[
        str | None,
        typer.Option(help="Only paths containing this text, e.g. dynamics or russia."),
    ] = None,
) -> None:
    """List the parameters a sweep, sensitivity analysis or --set can vary, with their bounds.

    Paths are as in the scenario file; policy parameters are those of the policy the file
    names. The scenario's declared uncertainties and levers are marked.
    """
    from sim.spec.loading import load_scenario
    from sim.spec.parameters import scenario_parameters

    scenario = load_scenario(file).scenario
    table = Table(show_header=True, header_style="dim", box=None, pad_edge=False)
    for column in ("path", "kind", "value", "allowed", "declared"):
        table.add_column(column, no_wrap=True)  # paths stay whole, to copy into --set
    table.add_column("meaning", overflow="fold", min_width=20)
    for path, found in scenario_parameters(scenario).items():
        if match and match not in path:
            continue
        declared = ""
        if path in scenario.uncertainties:
            low, high = scenario.uncertainties[path]
            declared = f"uncertain {low:g}-{high:g}"
        elif path in scenario.levers:
            declared = "lever: " + ", ".join(map(str, scenario.levers[path]))
        table.add_row(
            escape(path),
            found.kind,
            escape(str(found.value)),
            escape(found.bounds_text()),
            escape(declared),
            escape(found.description),
        )
    out.print(table)


def report(
    run_dir: RunDir,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write the report (default: RUN_DIR/report.html; replaced if there).",
        ),
    ] = None,
) -> None:
    """Write a run's report: one self-contained HTML page to send or project.

    Outcome shares, key measures, policies, the manifest and the plots; it loads nothing else.
    """
    from sim.readers.report import write_report

    path = write_report(run_dir, out_file)
    out.print(f"Report: {escape(str(path))}", highlight=False, soft_wrap=True)


def explain(
    run_dir: RunDir,
    world: Annotated[
        int | None,
        typer.Option("--world", metavar="N", help="The world to narrate (0 is the first)."),
    ] = None,
    typical: Annotated[
        str | None,
        typer.Option(
            "--typical",
            metavar="CLASS",
            help="Narrate the typical world of this outcome class, e.g. war or "
            "clash_contained: the one closest to the class's medians.",
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="Write the narration to FILE as Markdown (replaced)."
        ),
    ] = None,
) -> None:
    """Tell one world of a run day by day: who did what, why, and how it ended.

    The world is replayed alone from the run's manifest and checked against the run.
    Give --world N, or --typical CLASS for a representative world of an outcome class.
    """
    from sim.readers.explain import narrate, replay_world, typical_story

    if world is not None and typical is not None:
        raise UserError("Give either --world N or --typical CLASS, not both.")
    if world is None and typical is None:
        raise UserError(
            "Say which world to explain: give --world N (a world's number) or "
            "--typical CLASS (an outcome class, e.g. war)."
        )
    if typical is not None:
        story = typical_story(run_dir, typical)
        err.print(
            f"World {story.world}: the typical {escape(story.typical_of or '')} world of "
            f"{escape(str(run_dir))}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        story = replay_world(run_dir, world)
    text = narrate(story)
    if out_file is None:
        out.print(escape(text), highlight=False, soft_wrap=True, end="")
        return
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(
            f"Cannot write {out_file} ({error.strerror or error}). Check that its folder "
            "exists and can be written to."
        ) from None
    out.print(f"wrote {escape(str(out_file))}", highlight=False, soft_wrap=True)


def compare(
    run_dirs: Annotated[
        list[Path],
        typer.Argument(
            help="Results folders (two or more): the reference first, then the runs to "
            "compare with it.",
            show_default=False,
            metavar="RUN_DIR",
        ),
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Comparison folder to create: tables, summary and plots "
            "(default: results/compare-A-vs-B-TIME).",
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace --out if it holds an earlier comparison.")
    ] = False,
) -> None:
    """Compare runs: how their outcome shares and measures differ, and by how much.

    Each run is compared with the first: outcome shares with differences in percentage
    points and 95% intervals, the measures' distributions and tests, and a plain-language
    summary. Runs must share a horizon; seeds and world counts may differ.
    """
    from sim.readers.compare.comparison import compare_runs
    from sim.readers.compare.folder import (
        check_comparison_target,
        default_comparison_dir,
        write_comparison,
    )

    comparison = compare_runs(run_dirs)
    target = out_dir or default_comparison_dir(RESULTS_ROOT, comparison)
    check_comparison_target(target, replace)
    letters = [chr(ord("A") + i) for i in range(len(comparison.labels))]
    names = zip(letters, comparison.labels, strict=False)
    runs = "; ".join(f"{letter}: {escape(label)}" for letter, label in names)
    table = Table(caption=f"{runs}. Differences in points (95% interval).", box=box.SIMPLE_HEAD)
    table.add_column("outcome", min_width=13)
    for letter in letters:
        table.add_column(letter, justify="right", no_wrap=True)
        if letter != "A":
            table.add_column(f"{letter} − A", justify="right", no_wrap=True)
    gap = " " if len(letters) == 2 else "\n"  # more runs: the interval under the difference
    shares = comparison.shares
    for outcome in comparison.reference.manifest["outcome_classes"]:
        cells = [escape(outcome.replace("_", " "))]
        for index, label in enumerate(comparison.labels):
            row = shares[(shares["run"] == label) & (shares["outcome"] == outcome)].iloc[0]
            cells.append(f"{row['share']:.1%}")
            if index:
                text = (
                    f"{row['diff_pts']:+.1f}{gap}({row['diff_low_pts']:+.1f}, "
                    f"{row['diff_high_pts']:+.1f})"
                ).replace("-", "−")
                cells.append(f"[bold]{text}[/bold]" if row["changed"] else f"[dim]{text}[/dim]")
        table.add_row(*cells)
    out.print(table)
    out.print("\n" + escape(comparison.summary), highlight=False, soft_wrap=True)
    written = write_comparison(comparison, target, replace=replace)
    out.print(f"\nComparison: {escape(str(written))}/", highlight=False, soft_wrap=True)
    out.print(f"Plots:      {escape(str(written / 'plots'))}/", highlight=False, soft_wrap=True)
