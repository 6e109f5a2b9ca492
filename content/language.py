"""Plain language: reading grade and stigmatising terms of what readers will see.

Health-literacy guidance asks for text readable at grade 6 to 8 and for
person-first language about addiction. Both are warnings for editors, never
blocks; the grade is also published with each item.
"""

from dataclasses import dataclass

import textstat

# Grades health-literacy bodies ask for (US school grades).
TARGET_GRADE = (6, 8)
# Fewer words than this give no meaningful grade.
MINIMUM_WORDS = 20
EXCERPT_CONTEXT = 40


def reading_grade(text: str) -> float | None:
    """Flesch-Kincaid grade of the text, or None when it is too short to say."""
    if len(text.split()) < MINIMUM_WORDS:
        return None
    return round(max(0.0, textstat.flesch_kincaid_grade(text)), 1)


@dataclass(frozen=True)
class TermFinding:
    term: str
    suggestion: str
    excerpt: str


def excerpt(text: str, start: int, end: int) -> str:
    before = max(0, start - EXCERPT_CONTEXT)
    after = min(len(text), end + EXCERPT_CONTEXT)
    return (
        ("…" if before else "")
        + " ".join(text[before:after].split())
        + ("…" if after < len(text) else "")
    )


def stigmatising_terms(text: str, terms) -> list[TermFinding]:
    """Each use of one of ``terms`` (StigmatisingTerm rows) in the text."""
    return [
        TermFinding(term.term, term.suggestion, excerpt(text, *match.span()))
        for term in terms
        for match in term.matches(text)
    ]
