"""Problems a validator finds below its own model, each with the key path the loader turns into a line.

A pydantic validator error is located at the model that raised it (`plan:`), which is the wrong line
for a rule about one of its keys. Validators raise `KeyProblems` instead: every problem they found,
each at a path relative to their model, with what was expected and what was found.
"""

from __future__ import annotations

from dataclasses import dataclass

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class At:
    path: KeyPath
    message: str
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        text = self.message
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        return text


class KeyProblems(ValueError):
    def __init__(self, items: list[At]):
        self.items = list(items)
        super().__init__("; ".join(str(i) for i in self.items))


class Collect:
    """Gathers every problem of a validator, so the user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[At] = []

    def add(self, path: KeyPath | str, message: str, expected: str | None = None, found: object = None) -> None:
        path = (path,) if isinstance(path, (str, int)) else tuple(path)
        self.items.append(At(path, message, expected, None if found is None else str(found)))

    def extend(self, prefix: KeyPath, exc: KeyProblems) -> None:
        self.items += [At(tuple(prefix) + i.path, i.message, i.expected, i.found) for i in exc.items]

    def raise_if_any(self) -> None:
        if self.items:
            raise KeyProblems(self.items)
