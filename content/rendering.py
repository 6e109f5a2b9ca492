"""Markdown written by editors, rendered once on save to safe HTML and plain text."""

import html
import re

import nh3
from markdown_it import MarkdownIt

# CommonMark with tables and strikethrough; raw HTML is not interpreted as HTML.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"style"},
    "th": {"style"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Only for warnings: the same Markdown, parsed as if raw HTML were allowed.
_markdown_with_html = MarkdownIt("commonmark", {"html": True}).enable(
    ["table", "strikethrough"]
)
# A link's address scheme, in [text](scheme:...) or <scheme:...>.
_LINK_SCHEME = re.compile(r"(?:\]\(\s*<?|<)([A-Za-z][A-Za-z0-9+.-]*):")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
MARKDOWN_HELP = (
    "Markdown: **bold**, *italic*, [a link](https://…), “- ” starts a list "
    "item, “## ” a heading, a blank line a new paragraph. HTML is not "
    "allowed: readers would see it as plain text."
)

_FORMATTING_NEWLINES = re.compile(r">\s*\n\s*<")
_PARAGRAPH_END = re.compile(r"</(p|h[1-6]|blockquote|pre|ul|ol|table)>|<hr\s*/?>")
_LINE_END = re.compile(r"</(li|tr)>|<br\s*/?>")
_LIST_ITEM = re.compile(r"<li>")
_CELL_END = re.compile(r"</t[dh]>")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def sanitise_html(unsafe_html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def html_to_text(safe_html: str) -> str:
    """Plain text for clients that cannot render HTML.

    Paragraphs are separated by a blank line, list items start with "- ".
    """
    text = _FORMATTING_NEWLINES.sub("><", safe_html)
    text = _PARAGRAPH_END.sub("\n\n", text)
    text = _LINE_END.sub("\n", text)
    text = _LIST_ITEM.sub("- ", text)
    text = _CELL_END.sub(" ", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    lines = (line.strip() for line in text.splitlines())
    return _EXTRA_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def render_markdown(markdown: str) -> tuple[str, str]:
    """Return (sanitised HTML, plain text) for a Markdown source.

    Sanitising runs after rendering because Markdown renderers pass some
    constructs (links with javascript: URLs, for one) straight through.
    """
    safe_html = sanitise_html(_markdown.render(markdown or "")).strip()
    return safe_html, html_to_text(safe_html)


def markdown_warnings(markdown: str) -> list[str]:
    """What readers will not get as written: raw HTML, links with unsafe addresses.

    The saved text is kept as it is; these are warnings for the editor.
    """
    warnings = []
    tags = []
    for token in _markdown_with_html.parse(markdown or ""):
        for part in [token, *(token.children or [])]:
            if part.type in ("html_inline", "html_block"):
                tags += _TAG_NAME.findall(part.content)
    if tags:
        shown = ", ".join(f"<{tag.lower()}>" for tag in dict.fromkeys(tags))
        warnings.append(
            f"HTML ({shown}) is not allowed: readers will see it as plain text. "
            "Use Markdown instead."
        )
    schemes = {
        scheme.lower()
        for scheme in _LINK_SCHEME.findall(markdown or "")
        if scheme.lower() not in ALLOWED_URL_SCHEMES
    }
    if schemes:
        shown = ", ".join(f"{scheme}:" for scheme in sorted(schemes))
        warnings.append(
            f"Links to {shown} addresses are removed; only http, https, mailto "
            "and tel links are kept."
        )
    return warnings
