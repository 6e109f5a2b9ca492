"""Word-level differences between two versions of a text, for the admin history."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words with the whitespace after them, so a diff rebuilds the text exactly.
_TOKEN = re.compile(r"\S+\s*|\s+")


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """The old text with removed words in <del>, the new with added words in <ins>.

    Nothing is shortened: reviewers see every word of both versions.
    """
    old_words, new_words = _TOKEN.findall(old), _TOKEN.findall(new)
    old_html, new_html = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = escape("".join(old_words[i1:i2]))
        added = escape("".join(new_words[j1:j2]))
        if tag == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308
