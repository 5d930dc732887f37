"""The survey file's columns: names, types, allowed codes and ranges.

One respondent per row. Codes are lower-case ASCII so that a cp1252 or utf-8 export gives
the same text; `read_survey` lower-cases and trims codes before checking them. Every column below
is required; other columns are allowed and reported (SurveyData.notes), kept as text, and never
analysed or shown.

| column               | type    | allowed values                                                   |
|----------------------|---------|------------------------------------------------------------------|
| respondent_id        | text    | unique, non-empty                                                |
| pilot                | code    | icarius, liantis, acerta                                         |
| sector               | code    | profession_liberale, commerce, industrie, autre                  |
| region               | code    | bruxelles, flandre, wallonie                                     |
| gender               | code    | homme, femme                                                     |
| age_band             | code    | moins_30, 30_39, 40_49, 50_59, 60_plus                           |
| activity             | code    | main, complementary, after_pension                               |
| hours_per_week       | number  | 0 to 120 (hours worked in a usual week, all activities)          |
| work_family_conflict | integer | 1 to 5 (5 = great difficulty combining work and family)          |
| stress               | integer | 1 to 5 (5 = extremely stressed at work)                          |
| sleep_quality        | integer | 1 to 5 (1 = very poor sleep, 5 = very good)                      |
| isolation            | integer | 1 to 5 (5 = feels very isolated in the job)                      |
| resources            | integer | 1 to 5 (autonomy, support, competence; 5 = plenty)               |
| bat_score            | number  | 1 to 5 (mean of the 12 BAT-12 items; higher = more burn-out)     |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["id", "code", "integer", "number"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    description: str
    codes: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

    def expected(self) -> str:
        if self.kind == "code":
            return "one of " + ", ".join(self.codes)
        if self.kind == "integer":
            return f"a whole number from {self.low:g} to {self.high:g}"
        if self.kind == "number":
            return f"a number from {self.low:g} to {self.high:g}"
        return "a unique, non-empty identifier"


PILOTS = ("icarius", "liantis", "acerta")
SECTORS = ("profession_liberale", "commerce", "industrie", "autre")
REGIONS = ("bruxelles", "flandre", "wallonie")
GENDERS = ("homme", "femme")
AGE_BANDS = ("moins_30", "30_39", "40_49", "50_59", "60_plus")
ACTIVITIES = ("main", "complementary", "after_pension")
LIKERT = (1, 5)

SURVEY_COLUMNS: tuple[Column, ...] = (
    Column("respondent_id", "id", "identifier of the respondent, unique in the file"),
    Column("pilot", "code", "pilot that ran the survey", PILOTS),
    Column("sector", "code", "INASTI sector group (autre = agriculture, services, other)", SECTORS),
    Column("region", "code", "region of the main activity", REGIONS),
    Column("gender", "code", "gender as declared", GENDERS),
    Column("age_band", "code", "age band", AGE_BANDS),
    Column("activity", "code", "self-employed as main activity, complementary, or after pension age", ACTIVITIES),
    Column("hours_per_week", "number", "hours worked in a usual week, all activities", low=0, high=120),
    Column("work_family_conflict", "integer", "difficulty combining work and family (5 = high)", low=1, high=5),
    Column("stress", "integer", "stress at work (4-5 = stressed or extremely stressed)", low=1, high=5),
    Column("sleep_quality", "integer", "sleep quality (1-2 = sleeps badly)", low=1, high=5),
    Column("isolation", "integer", "feels isolated in the job (4-5 = isolated)", low=1, high=5),
    Column("resources", "integer", "job resources: autonomy, support, competence (1-2 = low)", low=1, high=5),
    Column("bat_score", "number", "BAT-12 style burn-out score, mean of 12 items", low=1, high=5),
)

COLUMNS_BY_NAME = {c.name: c for c in SURVEY_COLUMNS}
COLUMN_ORDER = tuple(c.name for c in SURVEY_COLUMNS)


def schema_table():
    """The schema as a DataFrame, for the annex."""
    import pandas as pd

    return pd.DataFrame(
        [
            {"column": c.name, "type": c.kind, "allowed": c.expected(), "description": c.description}
            for c in SURVEY_COLUMNS
        ]
    )
