"""The decision helper: which option of a comparison fits a person's answers.

The rule is deterministic and documented in the README:

- an option with any ruling-out answer is ``not_suggested``;
- otherwise, with any favouring answer, ``suggested``;
- otherwise ``possible``.

Options rank by verdict, then by number of favouring answers, then editor
order. Unanswered and "not sure" never rule an option out. Answers are health
information: nothing here stores or logs them.
"""

from dataclasses import dataclass, field

from content.models import Comparison, Criterion, Effect

YES, NO, UNSURE = "yes", "no", "unsure"
ALLOWED_ANSWERS = (YES, NO, UNSURE)
SUGGESTED, POSSIBLE, NOT_SUGGESTED = "suggested", "possible", "not_suggested"
VERDICT_ORDER = {SUGGESTED: 0, POSSIBLE: 1, NOT_SUGGESTED: 2}
DISCLAIMER = (
    "This is general information, not a diagnosis or medical advice. A doctor, "
    "or an addiction or mental health professional, should help you decide on "
    "treatment, taking your circumstances, needs and preferences into account."
)


@dataclass
class Reason:
    criterion: str
    question: str
    answer: str
    reason: str


@dataclass
class OptionResult:
    option: object  # ComparisonOption
    verdict: str = POSSIBLE
    favoured_by: list[Reason] = field(default_factory=list)
    ruled_out_by: list[Reason] = field(default_factory=list)
    # Criteria bearing on this option that were not answered yes or no.
    unanswered: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    comparison: Comparison
    results: list[OptionResult]  # ranked, best first

    @property
    def summary(self) -> str:
        by_verdict = {verdict: [] for verdict in VERDICT_ORDER}
        for result in self.results:
            by_verdict[result.verdict].append(result.option.name)
        parts = []
        labels = {
            SUGGESTED: "suggested",
            POSSIBLE: "possible",
            NOT_SUGGESTED: "not suggested",
        }
        for verdict, names in by_verdict.items():
            if names:
                verb = "is" if len(names) == 1 else "are"
                parts.append(f"{join_names(names)} {verb} {labels[verdict]}")
        return f"Based on your answers, {'; '.join(parts)}."


def join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def questionnaire(comparison: Comparison, now=None) -> list[Criterion]:
    """The comparison's public criteria in editor order, effects prefetched."""
    return list(
        Criterion.objects.published(now)
        .filter(comparison=comparison)
        .prefetch_related("effects")
        .order_by("position", "pk")
    )


def assess(
    comparison: Comparison, criteria: list[Criterion], answers: dict
) -> Assessment:
    """Apply the rule to validated answers (criterion key -> yes/no/unsure)."""
    options = list(comparison.options.all())
    results = {option.id: OptionResult(option=option) for option in options}
    for criterion in criteria:
        answer = answers.get(criterion.key)
        if answer not in (YES, NO):
            for option_id in {effect.option_id for effect in criterion.effects.all()}:
                if option_id in results:
                    results[option_id].unanswered.append(criterion.key)
            continue
        for effect in criterion.effects.all():
            if effect.answer != answer or effect.option_id not in results:
                continue
            reason = Reason(criterion.key, criterion.question, answer, effect.reason)
            result = results[effect.option_id]
            if effect.effect == Effect.RULES_OUT:
                result.ruled_out_by.append(reason)
            else:
                result.favoured_by.append(reason)
    for result in results.values():
        if result.ruled_out_by:
            result.verdict = NOT_SUGGESTED
        elif result.favoured_by:
            result.verdict = SUGGESTED
    position = {option.id: index for index, option in enumerate(options)}
    ranked = sorted(
        results.values(),
        key=lambda r: (
            VERDICT_ORDER[r.verdict],
            -len(r.favoured_by),
            position[r.option.id],
        ),
    )
    return Assessment(comparison=comparison, results=ranked)
