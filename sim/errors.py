"""The one shape of ketensim's bad-input errors: a list of problems, each a line naming the file, key or path and
the reason (the command line prints one ``error:`` line each and exits with code 2, `sim.cli.app.bad_input`)."""

from __future__ import annotations


class ProblemsError(ValueError):
    """Bad input with one line per problem in `problems`; the message joins them with `separator`."""

    separator = "; "

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(self.separator.join(problems))
