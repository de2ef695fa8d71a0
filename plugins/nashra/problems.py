"""Problems found in content, reported as ``path:line: what (fix)``."""

import os
from dataclasses import dataclass


def shown_path(path):
    """A path as an editor would type it: relative to the working directory when
    inside it, absolute otherwise."""
    path = os.path.abspath(path)
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    what: str
    fix: str
    # A warning helps editors (an organisation mentioned but not listed); it never
    # stops a build.
    warning: bool = False

    def __str__(self):
        return f"{self.path}:{self.line}: {'warning: ' if self.warning else ''}{self.what} ({self.fix})"


class ValueProblem(ValueError):
    """A value that cannot be used, with what is wrong and how to fix it."""

    def __init__(self, what, fix):
        super().__init__(f"{what} ({fix})")
        self.what = what
        self.fix = fix


class ContentProblems(Exception):
    """The content has problems; the build stops before writing anything."""

    def __init__(self, problems):
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(
            f"nashra: the content check found {count} problem{'s' if count != 1 else ''}:\n"
            + "\n".join(str(p) for p in self.problems)
        )
