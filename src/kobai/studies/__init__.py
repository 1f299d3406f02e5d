"""Studies: the claims of the source documents as experiments that run from one seed.

``kobai.studies.run(name, quick=False, out=None, seed=0)`` computes, writes tables (CSV),
figures (PNG, SVG) and a report (Markdown and self-contained HTML), and returns the headline
numbers; ``kobai study NAME`` does the same from the command line.
"""

from kobai.studies.base import Context, Headline, Study, StudyResult
from kobai.studies.registry import available, get, register, run

__all__ = ["Context", "Headline", "Study", "StudyResult", "available", "get", "register", "run"]
