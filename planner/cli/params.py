"""click parameter types: a value is parsed once, at its option, by the same functions the web form
and the roster use (planner.core.parsing), and a bad one ends in the same one-line message."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import click

from planner.core import parsing
from planner.core.redflags import stop_sign
from planner.core.screening import screening_item

T = TypeVar("T")


class _Parsed(click.ParamType[T, Any]):
    """Shared shape: `field` names the value in messages, as the web form and roster do."""

    def __init__(self, field: str) -> None:
        self.field = field

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> T:
        return self.parse(value) if isinstance(value, str) else value  # defaults arrive parsed or as text

    def parse(self, text: str) -> T:
        raise NotImplementedError


class DateParam(_Parsed[dt.date]):
    name = "date"

    def parse(self, text: str) -> dt.date:
        return parsing.parse_date(text, self.field)


class TimeParam(_Parsed[dt.time]):
    name = "time"

    def parse(self, text: str) -> dt.time:
        return parsing.parse_time(text, self.field)


class PainParam(_Parsed[int]):
    name = "pain"

    def parse(self, text: str) -> int:
        return parsing.parse_pain(text, self.field)


class WeekdaysParam(_Parsed[tuple[int, ...]]):
    name = "weekdays"

    def parse(self, text: str) -> tuple[int, ...]:
        return parsing.parse_days(text, self.field)


class ZoneParam(_Parsed[str]):
    name = "zone"

    def parse(self, text: str) -> str:
        return parsing.parse_zone(text, self.field)


class TextParam(_Parsed[str]):
    name = "text"

    def __init__(self, field: str, *, limit: int, required: bool = False) -> None:
        super().__init__(field)
        self.limit, self.required = limit, required

    def parse(self, text: str) -> str:
        return parsing.parse_text(text, self.field, limit=self.limit, required=self.required)


class RedFlagParam(_Parsed[str]):
    name = "flag"

    def parse(self, text: str) -> str:
        return stop_sign(text).id


class ScreeningParam(_Parsed[str]):
    name = "item"

    def parse(self, text: str) -> str:
        return screening_item(text).id
