"""The plain-language summary of a comparison: what changed beyond noise, in sentences.

Per later run against the reference (A): the outcome shares that changed (their 95%
Newcomb interval excludes 0), largest first, and those within noise; the chi-square
verdict on the whole distribution; the events that became more or less common; the
largest shift in a measure (by |Cliff's delta|) in words, with the catalogue's words
for its direction and whether it is escalation (:mod:`sim.catalogue.measures`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sim.catalogue.measures import WorldMeasure, world_measure
from sim.folders.runfolder import RunFolder, common_cast
from sim.readers.compare.statistics import ALPHA, run_letters
from sim.wording import percent, signed

if TYPE_CHECKING:
    from sim.spec.schema import Cast


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit and unit != "days" else text


def _class_label(outcome: str) -> str:
    text = outcome.replace("_", " ")
    return text[:1].upper() + text[1:]


def _describe(run: RunFolder, label: str, letter: str) -> str:
    manifest = run.manifest
    return (
        f"{letter}: {label} ({manifest.get('title', '')}), {len(run.worlds):,} worlds, "
        f"seed {manifest.get('seed')}, {run.path}"
    )


def header_notes(runs: list[RunFolder], labels: list[str]) -> list[str]:
    """Return what a reader must know first: same seed or not, world counts, identical runs."""
    letters = run_letters(len(runs))
    seeds = [r.manifest.get("seed") for r in runs]
    sizes = [len(r.worlds) for r in runs]
    notes = []
    if len(set(seeds)) == 1:
        notes.append(
            f"Same seed ({seeds[0]}): world i of every run draws the same random numbers, so "
            "the differences come from the scenarios; the intervals treat the runs as "
            "independent samples, which is usually conservative."
        )
    else:
        listed = ", ".join(f"{x} {s}" for x, s in zip(letters, seeds, strict=True))
        notes.append(f"Seeds differ ({listed}): the runs draw independent worlds.")
    if len(set(sizes)) > 1:
        listed = ", ".join(f"{x} {n:,}" for x, n in zip(letters, sizes, strict=True))
        notes.append(f"World counts differ ({listed}): each interval allows for its runs' sizes.")
    hashes = [r.manifest.get("outcome_hash") for r in runs]
    for letter, run_hash in zip(letters[1:], hashes[1:], strict=True):
        if run_hash and run_hash == hashes[0]:
            notes.append(f"{letter} holds exactly the same worlds as A (same outcome hash).")
    return notes


def summary_text(
    runs: list[RunFolder],
    labels: list[str],
    shares: pd.DataFrame,
    measures: pd.DataFrame,
    tests: pd.DataFrame,
    notes: list[str],
) -> str:
    """Return the whole summary: the runs, the notes, the method, then each later run vs A."""
    letters = run_letters(len(runs))
    lines = [f"Reference {_describe(runs[0], labels[0], 'A')}."]
    lines += [
        f"Compared: {_describe(r, lab, x)}."
        for r, lab, x in zip(runs[1:], labels[1:], letters[1:], strict=True)
    ]
    lines += notes
    lines.append(
        "Differences are each run minus A: outcome shares in percentage points with 95% "
        "Newcomb intervals (within noise when the interval includes 0); measures by Welch's "
        "interval for the mean and the Mann-Whitney test, Holm-adjusted across measures."
    )
    for label, letter in zip(labels[1:], letters[1:], strict=True):
        lines.append("")
        lines.append(f"{letter} ({label}) vs A ({labels[0]}):")
        lines += _pair_summary(
            shares,
            measures[measures["run"].isin([labels[0], label])],
            tests[tests["run"] == label].iloc[0],
            labels[0],
            label,
            letter,
            common_cast(runs),
        )
    return "\n".join(lines)


def _pair_summary(
    shares: pd.DataFrame,
    measures: pd.DataFrame,
    test: pd.Series,
    ref_label: str,
    label: str,
    letter: str,
    cast: Cast | None,
) -> list[str]:
    def named(column: str) -> WorldMeasure:
        return world_measure(column).named(cast)

    reference = shares[shares["run"] == ref_label].set_index("outcome")
    rows = shares[shares["run"] == label].set_index("outcome")
    seen = (rows["count"] > 0) | (reference["count"] > 0)
    ranked = rows.assign(size=rows["diff_pts"].abs()).sort_values(
        "size", ascending=False, kind="stable"
    )
    changed = ranked[ranked["changed"]]
    quiet = ranked[~ranked["changed"] & seen.loc[ranked.index]]
    unseen = rows[~seen]  # in the manifest's order

    def share_line(outcome: str, row: pd.Series) -> str:
        return (
            f"{_class_label(outcome)}: {percent(reference.loc[outcome, 'share'])} → "
            f"{percent(row['share'])} ({signed(row['diff_pts'])} points, 95% CI "
            f"{signed(row['diff_low_pts'])} to {signed(row['diff_high_pts'])})"
        )

    ref_m = measures[measures["run"] == ref_label].set_index("measure")
    own_m = measures[measures["run"] == label].set_index("measure")
    shifted = own_m[own_m["shifted"]]
    events = own_m[own_m["event_changed"]]
    nothing = changed.empty and shifted.empty and events.empty
    lines = []
    if nothing:
        lines.append(
            "- Nothing changed beyond noise: every outcome share's 95% interval includes 0, "
            "no event became more or less common, and no measure differs (Holm-adjusted "
            "Mann-Whitney p ≥ 0.05)."
        )
    if not changed.empty:
        lines.append("- Outcome shares that changed (95% interval excludes 0), largest first:")
        lines += [f"  - {share_line(o, r)}" for o, r in changed.iterrows()]
    if not quiet.empty:
        within = "; ".join(share_line(o, r) for o, r in quiet.iterrows())
        lines.append(f"- Within noise (interval includes 0): {within}.")
    if not unseen.empty:
        names = ", ".join(_class_label(o).lower() for o in unseen.index)
        lines.append(f"- In neither run: {names}.")
    verdict = "differ" if test["p"] < ALPHA else "do not differ detectably"
    lines.append(
        f"- The outcome distributions as a whole {verdict} (chi-square {test['chi2']:.1f}, "
        f"{int(test['dof'])} df, {_p(test['p'])})."
    )
    for column, row in events.iterrows():
        measure = named(column)
        moved = 1 if row["event_diff_pts"] > 0 else -1
        lines.append(
            f"- Worlds where {measure.event}: {percent(ref_m.loc[column, 'event_share'])} → "
            f"{percent(row['event_share'])} ({signed(row['event_diff_pts'])} points, 95% CI "
            f"{signed(row['event_low_pts'])} to {signed(row['event_high_pts'])})"
            f"{_escalation(measure.event_escalation * moved)}."
        )
    if not shifted.empty:
        by_size = shifted.assign(size=shifted["cliffs_delta"].abs())
        by_size = by_size.sort_values("size", ascending=False, kind="stable")
        column, row = next(by_size.iterrows())
        line = _measure_line(named(column), ref_m.loc[column], row, letter)
        lines.append(f"- Largest shift in a measure: {line}.")
        others = [
            f"{named(c).label} ({_direction(named(c), r)}, "
            f"Cliff's delta {signed(r['cliffs_delta'], 2)})"
            for c, r in by_size.iloc[1:].iterrows()
        ]
        if others:
            lines.append("- Other measures that shifted: " + "; ".join(others) + ".")
    quiet_measures = own_m[~own_m["shifted"] & own_m["p_holm"].notna()]
    if not quiet_measures.empty and not nothing:
        lines.append("- Measures within noise: " + ", ".join(quiet_measures["label"]) + ".")
    for column, row in own_m[own_m["p_holm"].isna()].iterrows():
        measure = named(column)
        empty = [x for x, n in (("A", ref_m.loc[column, "n"]), (letter, row["n"])) if n == 0]
        who = "either run" if len(empty) == 2 else empty[0]
        lines.append(
            f"- {_capital(measure.label)}: not compared, no world of {who} where {measure.event}."
        )
    return lines


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _direction(measure: WorldMeasure, row: pd.Series) -> str:
    return measure.more if row["cliffs_delta"] > 0 else measure.less


def _escalation(sign: int) -> str:
    """Return ", more escalatory" (sign > 0), ", less escalatory" (< 0) or nothing."""
    return "" if sign == 0 else f", {'more' if sign > 0 else 'less'} escalatory"


def _measure_line(measure: WorldMeasure, reference: pd.Series, row: pd.Series, letter: str) -> str:
    digits, unit = measure.decimals, measure.unit

    def value(x: float) -> str:
        return _with_unit(f"{x:.{digits}f}", unit)

    moved = 1 if row["cliffs_delta"] > 0 else -1
    where = f" (in the worlds where {measure.event})" if measure.is_event else ""
    return (
        f"{measure.label}{where} is {_direction(measure, row)} in {letter}"
        f"{_escalation(measure.escalation * moved)}: median {value(reference['q50'])} → "
        f"{value(row['q50'])}, mean {value(reference['mean'])} → {value(row['mean'])} "
        f"({signed(row['mean_diff'], digits)}, 95% CI {signed(row['mean_diff_low'], digits)} "
        f"to {signed(row['mean_diff_high'], digits)}); Cliff's delta "
        f"{signed(row['cliffs_delta'], 2)}, Holm-adjusted Mann-Whitney {_p(row['p_holm'])}"
    )
