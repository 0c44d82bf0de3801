"""The design review as Markdown, for design documents and wikis. Same content as the HTML."""
from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..inventory import COLUMNS
from ..review import Review
from .markdown import escape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render(review: Review) -> str:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template("review.md.j2").render(r=review, version=__version__, columns=COLUMNS,
                                                   md=lambda text: escape(str(text)), code=_code)


def _code(text: str) -> str:
    """Inside `code spans` nothing is interpreted but a backtick ends the span."""
    return str(text).replace("`", "'").replace("\n", " ")
