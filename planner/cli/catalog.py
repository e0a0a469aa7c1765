"""Browsing the library and the protocols, and checking a clinic's own files. No database."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.output import FORMAT, echo_json, table
from planner.cli.root import Context, pass_context
from planner.core.model import Category


@click.group()
def exercises() -> None:
    """Browse the exercise library."""


@exercises.command("list")
@click.option("--category", type=click.Choice([c.value for c in Category]), help="Only this category.")
@FORMAT
@pass_context
def exercises_list(context: Context, category: str | None, fmt: str) -> None:
    """List exercises, by category."""
    chosen = context.catalog().library.by_category(Category(category) if category else None)
    if fmt == "json":
        echo_json(
            [
                {
                    "id": e.id,
                    "name": e.name,
                    "category": e.category.value,
                    "dose": e.dose.describe(),
                    "impact": e.impact.value,
                }
                for e in chosen
            ]
        )
        return
    click.echo(
        table(
            [(e.id, e.name, e.category.value, e.dose.describe()) for e in chosen],
            ("id", "name", "category", "dose"),
        )
    )


@exercises.command("show")
@click.argument("exercise_id")
@pass_context
def exercises_show(context: Context, exercise_id: str) -> None:
    """Show one exercise in full."""
    e = context.catalog().library.exercise(exercise_id)
    lines = [
        f"{e.name} ({e.id})",
        f"Category: {e.category.value}; impact: {e.impact.value}",
        f"Body areas: {', '.join(e.body_areas)}",
        f"Equipment: {', '.join(e.equipment) or 'none'}",
        f"Dose: {e.dose.describe()}",
        "Steps:",
    ]
    lines += [f"  {i}. {step}" for i, step in enumerate(e.steps, 1)]
    for title, values in (
        ("Cues", e.cues),
        ("Cautions", e.cautions),
        ("Easier", e.easier),
        ("Harder", e.harder),
        ("Sources", e.sources),
    ):
        if values:
            lines.append(f"{title}: " + "; ".join(values))
    click.echo("\n".join(lines))


@click.group()
def protocols() -> None:
    """Browse the return-to-run protocols."""


@protocols.command("list")
@FORMAT
@pass_context
def protocols_list(context: Context, fmt: str) -> None:
    """List protocols."""
    items = sorted(context.catalog().protocols.values(), key=lambda p: p.id)
    if fmt == "json":
        echo_json(
            [
                {
                    "id": p.id,
                    "title": p.title,
                    "levels": len(p.levels),
                    "runs_per_week": p.runs_per_week,
                    "rule_set": p.rule_set,
                }
                for p in items
            ]
        )
        return
    click.echo(
        table(
            [(p.id, p.title, str(len(p.levels)), str(p.runs_per_week)) for p in items],
            ("id", "title", "levels", "runs/week"),
        )
    )


@protocols.command("show")
@click.argument("protocol_id")
@pass_context
def protocols_show(context: Context, protocol_id: str) -> None:
    """Show a protocol's levels and rules."""
    p = context.catalog().protocol(protocol_id)
    lines = [p.title, f"For: {p.for_whom}", f"Goal: {p.goal}", "Entry criteria:"]
    lines += [f"  - {c}" for c in p.entry_criteria]
    lines += [
        f"Runs a week: {p.runs_per_week}; strength sessions: {p.strength_per_week}; "
        f"weekly growth cap: {p.max_weekly_growth:.0%}; rules: {p.rule_set}",
        "Levels:",
    ]
    for i, level in enumerate(p.levels, 1):
        lines.append(
            f"  {i:2}. {level.name}: {' | '.join(level.patterns)} "
            f"(at least {level.min_sessions}x{', ' + level.effort if level.effort else ''})"
        )
    lines.append("Sources: " + "; ".join(p.sources))
    click.echo("\n".join(lines))


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check a clinic's TOML files or folders (exercises, protocols, clinic branding)."""
    from planner.data.validate import validate_path

    for path in paths:
        click.echo(f"ok: {path}: {validate_path(path)}")
