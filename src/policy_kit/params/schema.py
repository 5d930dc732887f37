"""The params file: one typed model, one section per stage of the data flow."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policy_kit.params.economics import EconomicsParams
from policy_kit.params.evidence import EvidenceParams
from policy_kit.params.located import At, Collect, KeyProblems
from policy_kit.params.plan import OptionComponent, PlanOption, PlanParams  # noqa: F401 - re-exported
from policy_kit.params.text import LANGUAGE_KEY, LocalText, context_language

Language = Literal["fr", "nl", "en"]
# the dotted key of a recorded result of a stage before the memo (see policy_kit.records)
PLACEHOLDER = re.compile(r"^(evidence|economics|plan|memo)(\.[a-z0-9_]+)+$")  # memo.*: the memo's figures against the reference


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Meta(Strict):
    """Who writes to whom, and what the scenario is."""

    # Words may be given per language ({fr: …, nl: …, en: …}): see policy_kit.params.text.
    title: LocalText = Field(description="scenario title, used in the memo subject line and the annex")
    organisation: LocalText
    author: LocalText = Field(description="author and service, shown after « De »")
    addressee: LocalText = Field(description="shown after « À »")
    classification: LocalText = Field(default={"fr": "Usage interne", "nl": "Intern gebruik", "en": "Internal use"},
                                      validate_default=True)
    date: dt.date | None = Field(default=None, description="memo date; the run date if absent (fix it so reruns are "
                                 "identical); not after the plan's first year")
    language: Language = "fr"
    template: str | None = Field(default=None, description="path to a house .docx template; the packaged one if empty")
    logo: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value):
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise KeyProblems([At((), "not an ISO date", "a date YYYY-MM-DD, e.g. 2024-11-23", repr(value))])
        return value


class RunSettings(Strict):
    # Seeds live with the draws they drive (economics.psa.seed); the synthetic data carries its own.
    step_timeout_s: int = Field(default=900, gt=0, le=24 * 3600, description="time limit of each step (one notebook, all its cells), seconds")
    cache_max_mb: int = Field(default=500, ge=0, description="size cap of the step cache (briefings/.cache), MB; the least recently used entries go first")


class MemoParams(Strict):
    asks: list[LocalText] = Field(
        description="the asks for the memorandum; {placeholders} are bound to recorded results, e.g. {plan.recommended.roi}"
    )
    key_figures: list[str] = Field(
        default_factory=lambda: ["memo.recommended.extra_annual_cost", "memo.recommended.bcr_social_security",
                                 "memo.recommended.bcr_society", "memo.recommended.cases_averted"],
        description="recorded results shown in the key-message box (memo.recommended.* are the recommended option "
                    "against the reference)",
    )
    jargon: dict[str, str] = Field(
        default_factory=dict,
        description="technical terms the memo must not use, each with its definition for the annex glossary "
                    "(added to the package's list)",
    )

    @field_validator("asks")
    @classmethod
    def _placeholders_well_formed(cls, asks: list[str]) -> list[str]:
        # a key that is well formed but not recorded can only be found by the run (the memo step names it)
        found = Collect()
        for i, text in enumerate(asks):
            try:
                fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text) if name is not None]
            except ValueError as exc:
                found.add(i, f"malformed placeholder: {exc}", "{a.recorded.result} with matching braces",
                          repr(text[:60]))
                continue
            for name, spec, conversion in fields:
                if spec or conversion or not PLACEHOLDER.match(name):
                    found.add(i, f"placeholder {{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} is not a result key",
                              "a recorded result's dotted key, e.g. {plan.recommended.annual_cost}, without format", repr(name))
        found.raise_if_any()
        return asks


class Params(Strict):
    meta: Meta
    run: RunSettings
    evidence: EvidenceParams
    economics: EconomicsParams
    plan: PlanParams
    memo: MemoParams

    @classmethod
    def model_validate(cls, obj, *args, context: dict | None = None, **kwargs):
        """Validates with the run's language taken from ``meta.language``, so per-language texts resolve to it."""
        context = dict(context or {})
        context.setdefault(LANGUAGE_KEY, context_language(obj))
        return super().model_validate(obj, *args, context=context, **kwargs)

    # Params keys that name input files, relative to the project root.
    DATA_KEYS: ClassVar[tuple[tuple[str, ...], ...]] = (("evidence", "survey"), ("evidence", "pilots", "activity"), ("evidence", "pilots", "prepost"))

    def data_paths(self) -> dict[tuple[str, ...], str]:
        out = {}
        for key in self.DATA_KEYS:
            value = self
            for part in key:
                value = getattr(value, part)
            out[key] = value
        return out

    def data_files(self, root) -> list:
        from policy_kit.paths import resolve_input

        return [resolve_input(root, rel, key=".".join(key)) for key, rel in self.data_paths().items()]

    @model_validator(mode="after")
    def _across_sections(self) -> "Params":
        found = Collect()
        known = set(self.economics.components)
        for name, option in self.plan.options.items():
            for comp in option.components:
                if comp not in known:
                    close = difflib.get_close_matches(comp, sorted(known), n=1, cutoff=0.5)
                    found.add(("plan", "options", name, "components", comp),
                              f"plan.options.{name} names component(s) {[comp]} that economics.components does not define",
                              f"one of {sorted(known)}" + (f" (did you mean '{close[0]}'?)" if close else ""), repr(comp))
        eco, plan = self.economics, self.plan
        if self.meta.date is not None and self.meta.date.year > plan.first_year:
            found.add(("meta", "date"), "the memo is dated after the first year of the plan it prepares",
                      f"a date up to {plan.first_year} (plan.first_year), or no date for the run date", repr(self.meta.date.isoformat()))
        first, last = eco.start_year, eco.start_year + eco.horizon_years - 1
        if plan.first_year < first:
            found.add(("plan", "first_year"), "the plan starts before the economic model",
                      f"a year from economics.start_year ({first})", plan.first_year)
        if plan.last_year > last:
            found.add(("plan", "last_year"), "the plan ends after the economic horizon",
                      f"a year up to {last} (economics.start_year + horizon_years − 1)", plan.last_year)
        found.raise_if_any()
        return self
