"""Text from the clinic's files, shown literally wherever Streamlit renders markdown.

Names of doctors, departments, branches and services, file names, column headers and the cells a
message quotes come from exports anyone could have edited. Streamlit renders the label of an
expander, a caption, a warning or `st.markdown` as markdown, so such text could draw an image
from another host (`![b](http://…)`), a link (`[Сессия истекла](http://…)`), a coloured span
(`:red[…]`), an icon (`:material/…:`) or a formula (`$…$`). Every piece of data-derived text goes
through `md()` before it is put into markdown; the fixed words around it stay markdown.

Two layers, because Streamlit's markdown has two kinds of syntax:

- *Markdown's own* (links, images, emphasis, code, HTML, headings, lists, tables) and the
  micromark extensions Streamlit adds (`:red[…]` directives, `$…$` math) are parsed from the
  source, so a backslash before each special ASCII character keeps them from starting.
- *Patterns matched in the text after parsing*, where a backslash escape has already been
  undone: GFM's bare links (`http://…`, `www.…`, `a@b.ru`), Streamlit's `:material_home:` icons
  and `:streamlit:` logo, emoji shortcodes, and the arrows and dashes it typesets (`->` → `→`,
  `--` → `—`). These are broken by an invisible U+2060 WORD JOINER: after every `:` and `@`,
  between `www` and its dot, and between `-`, `<`, `>`, `~` and a following `-`, `<`, `>`, `=`.
  The reader sees the same characters; a copy of the text carries the joiners.

Options of a selectbox or multiselect, `st.dataframe` cells and Vega chart titles and tooltips
are not markdown: there `md()` is not used (its backslashes would show).
"""

from __future__ import annotations

import re

JOINER = "\u2060"  # WORD JOINER: no width, no glyph, no line break
# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that start markdown, HTML, Streamlit's colour / icon / emoji syntax or LaTeX.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=&\"'])")
# Where a joiner goes (see the module's docstring); matched on the text before escaping.
_JOIN = re.compile(r"(?<=[:@])(?=.)|(?i:(?<=www))(?=\.)|(?<=[-<>~])(?=[-<>=])")


def md(text: object) -> str:
    """`text` as markdown that renders exactly as the characters it holds. Line breaks become
    spaces: a name never starts a new paragraph, heading or list."""
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", _JOIN.sub(JOINER, flat))
