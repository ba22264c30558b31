"""``python -m sim.cli``: the same as the ``ketensim`` command."""

from . import app

app()
