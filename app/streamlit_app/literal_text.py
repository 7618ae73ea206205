"""Text we did not write (a file's name, an error quoting it, an LLM's words), shown literally.

Streamlit renders ``st.error``, ``st.caption``, ``st.markdown`` and status labels as Markdown:
an upload named ``![x](http://host/pixel.png)`` would load a remote image from an error
message, ``[here](http://host)`` would be a link, ``$...$`` LaTeX. The characters that open
those (and code spans, HTML) are backslash-escaped; emphasis marks are left alone, as at worst
they change a word's weight.
"""

from __future__ import annotations

import re

_ACTIVE = re.compile(r"([\\`\[\]<>$])")


def literal(text: object) -> str:
    r"""``text`` as Streamlit Markdown that shows it as written.

    >>> print(literal("![x](http://host/p.png) costs $5 <b>"))
    !\[x\](http://host/p.png) costs \$5 \<b\>
    """
    return _ACTIVE.sub(r"\\\1", str(text))
