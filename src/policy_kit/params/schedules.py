"""The discount schedules params may name (data in discount_schedules.yaml, read by the engine too)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def schedules_data() -> dict:
    text = resources.files("policy_kit.params").joinpath("discount_schedules.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["schedules"]


def discount_schedule_names() -> list[str]:
    return sorted(schedules_data())
