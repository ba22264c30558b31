"""What went wrong with a scenario: a `Problem` per file, key path and reason, raised together as a `ScenarioError`,
and pydantic's validation errors turned into such problems."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass
class Problem:
    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}" if self.key else f"{self.file}: {self.reason}"


class ScenarioError(Exception):
    """A scenario file could not be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _problems_from(e: ValidationError, file: str, prefix: str = "") -> list[Problem]:
    out = []
    for err in e.errors():
        loc = [str(x) for x in err["loc"]]
        # drop pydantic's union-member tags ("fixed", "lognormal", ...) and validator names from the path
        loc = [x for x in loc if not x.startswith("function-") and x not in _UNION_TAGS]
        key = ".".join(([prefix] if prefix else []) + loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the scenario format; check spelling)"
        elif err["type"] == "model_type":
            # "... or instance of PoliceConfig": name the section as the messages always have ("Police")
            name = err.get("ctx", {}).get("class_name", "")
            msg = msg.replace(name, name.removesuffix("Config")) if name else msg
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if not loc and err["type"] == "value_error":
            # a whole-scenario check: several "key.path: reason" problems joined by "; "
            for part in msg.split("; "):
                k, sep, reason = part.partition(": ")
                if sep and " " not in k:
                    out.append(Problem(file, ".".join(([prefix] if prefix else []) + [k]), reason))
                else:
                    out.append(Problem(file, key, part))
            continue
        out.append(Problem(file, key, msg))
    return out


_UNION_TAGS = {"fixed", "exponential", "lognormal", "gamma", "uniform", "empirical"}
