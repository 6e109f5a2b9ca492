"""Respectful wording: the terms editors avoid, and what to write instead."""

import re

from django.db import models
from simple_history.models import HistoricalRecords


class StigmatisingTerm(models.Model):
    """A word that stigmatises people who use drugs, with a person-first alternative.

    Editors maintain the list; a match is a warning beside the text, never a
    block, because context decides (“clean needles” is fine).
    """

    term = models.CharField(
        max_length=100,
        unique=True,
        help_text="A word or phrase, matched whole and in any case, plurals "
        "included, e.g. “addict” also finds “Addicts”.",
    )
    suggestion = models.CharField(
        max_length=300,
        help_text="What to write instead, e.g. “person with a substance use disorder”.",
    )
    allowed_in = models.TextField(
        blank=True,
        help_text="Phrases in which the term is fine, one per line, e.g. "
        "“National Institute on Drug Abuse”.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def pattern(self) -> re.Pattern:
        words = r"\s+".join(re.escape(word) for word in self.term.split())
        return re.compile(rf"\b{words}(?:s|es)?\b", re.IGNORECASE)

    def allowed_spans(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for phrase in filter(None, map(str.strip, self.allowed_in.splitlines())):
            for match in re.finditer(re.escape(phrase), text, re.IGNORECASE):
                spans.append(match.span())
        return spans

    def matches(self, text: str) -> list[re.Match]:
        """Uses of the term in the text, outside the phrases that allow it."""
        allowed = self.allowed_spans(text)
        return [
            match
            for match in self.pattern().finditer(text)
            if not any(start <= match.start() < end for start, end in allowed)
        ]
