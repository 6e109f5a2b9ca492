"""A comparison and everything in it on one page, with pages for the deeper parts.

Django has no nested inlines. The comparison page edits its options (with
their benefits and drawbacks as one line each), the comparison table as a
grid (a row per aspect, a column per option) and its criteria; what each
answer to a criterion means for each option is an inline of the criterion's
own page, which “Change” next to the criterion opens.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from content.admin.workflow import (
    PUBLICATION_COLUMNS,
    PUBLICATION_FIELDSETS,
    ExtraRowsForm,
    PartAdmin,
    PartInline,
    PublishableAdmin,
)
from content.models import (
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    OptionPoint,
    PointKind,
)


def cell_field_name(option: ComparisonOption) -> str:
    return f"cell_{option.pk}"


class AspectRowForm(ExtraRowsForm):
    """A row of the comparison table: an aspect and its cell for each option."""

    columns: list[ComparisonOption] = []  # set per comparison by AspectInline

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {}
        if self.instance.pk:
            texts = {cell.option_id: cell.text for cell in self.instance.cells.all()}
        for option in self.columns:
            name = cell_field_name(option)
            self.initial.setdefault(name, texts.get(option.pk, ""))
            # A read-only row displays this attribute of the aspect.
            setattr(self.instance, name, texts.get(option.pk, ""))

    def save_extra_rows(self):
        edited = [o for o in self.columns if cell_field_name(o) in self.changed_data]
        if not edited:
            return
        # An option deleted in the same save has taken its cells with it.
        remaining = set(
            ComparisonOption.objects.filter(
                pk__in=[option.pk for option in edited]
            ).values_list("pk", flat=True)
        )
        for option in edited:
            if option.pk not in remaining:
                continue
            text = self.cleaned_data[cell_field_name(option)].strip()
            if text:
                AspectCell.objects.update_or_create(
                    aspect=self.instance, option=option, defaults={"text": text}
                )
            else:
                AspectCell.objects.filter(aspect=self.instance, option=option).delete()


class AspectInline(PartInline, admin.TabularInline):
    """The comparison table as a grid: a row per aspect, a column per option.

    Django has no nested inlines, so cells are not an inline of each aspect:
    each row's form gets one text field per saved option and writes the
    cells itself. An option added in the same save gets its column once saved.
    """

    model = Aspect
    form = AspectRowForm
    prepopulated_fields = {"key": ("name",)}
    verbose_name = "table row"
    verbose_name_plural = "comparison table (a row per aspect, a column per option)"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cells")

    def columns(self, comparison) -> list[ComparisonOption]:
        if comparison is None or comparison.pk is None:
            return []
        if not hasattr(comparison, "_table_columns"):
            comparison._table_columns = list(comparison.options.all())
        return comparison._table_columns

    def get_fields(self, request, obj=None):
        return ["position", "name", "key", *map(cell_field_name, self.columns(obj))]

    def get_formset(self, request, obj=None, **kwargs):
        columns = self.columns(obj)
        cells = {
            cell_field_name(option): forms.CharField(
                label=option.name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
                help_text="Plain text, a sentence or two.",
            )
            for option in columns
        }
        kwargs["form"] = type(
            "AspectRowForm", (self.form,), {**cells, "columns": columns}
        )
        return super().get_formset(request, obj, **kwargs)


POINT_FIELDS = {"benefits": PointKind.BENEFIT, "drawbacks": PointKind.DRAWBACK}


def save_points(option: ComparisonOption, kind: str, lines: list[str]) -> None:
    """Make the option's points of one kind the given lines, in order.

    Existing points are updated in place, so their history reads as edits.
    """
    texts = [line.strip() for line in lines if line.strip()]
    existing = list(option.points.filter(kind=kind).order_by("position", "id"))
    for position, text in enumerate(texts):
        if position < len(existing):
            point = existing[position]
            if (point.text, point.position) != (text, position):
                point.text, point.position = text, position
                point.save()
        else:
            OptionPoint.objects.create(
                option=option, kind=kind, position=position, text=text
            )
    for point in existing[len(texts) :]:
        point.delete()


class OptionForm(ExtraRowsForm):
    """An option with its benefits and drawbacks as one line each."""

    benefits = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One benefit per line, in order.",
    )
    drawbacks = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One drawback per line, in order.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in POINT_FIELDS.items():
            lines = ""
            if self.instance.pk:
                points = self.instance.points.all()
                lines = "\n".join(point.text for point in points if point.kind == kind)
            self.initial.setdefault(name, lines)
            # A read-only option displays this attribute.
            setattr(self.instance, name, lines)

    def save_extra_rows(self):
        for name, kind in POINT_FIELDS.items():
            if name in self.changed_data:
                save_points(self.instance, kind, self.cleaned_data[name].splitlines())


class OptionInline(PartInline, admin.StackedInline):
    model = ComparisonOption
    form = OptionForm
    fields = [
        ("position", "key", "name"),
        "summary",
        "topic",
        ("favoured_lead", "required_lead"),
        ("benefits", "drawbacks"),
    ]
    prepopulated_fields = {"key": ("name",)}
    autocomplete_fields = ["topic"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("points")


class CriterionInline(PartInline, admin.TabularInline):
    model = Criterion
    fields = ["position", "key", "question", "help_text", "is_published", "answers"]
    readonly_fields = ["answers"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("effects__option")

    @admin.display(description="what the answers mean")
    def answers(self, criterion):
        effects = criterion.effects.all() if criterion.pk else []
        if not effects:
            return "Nothing yet: open the criterion to add what each answer means."
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} ({})",
            (
                (e.get_answer_display(), e.get_effect_display().lower(), e.option)
                for e in effects
            ),
        )


@admin.register(Comparison)
class ComparisonAdmin(PublishableAdmin):
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "topic",
                    "summary",
                    "introduction",
                    "conclusion",
                    "sources",
                ],
                "description": "Below come the options compared, with their "
                "benefits and drawbacks; the comparison table, with a row per "
                "aspect and a column per option; and the criteria. Save new "
                "options before filling in their column. “Change” next to a "
                "criterion opens it, to say what each answer means for each "
                "option.",
            },
        ),
        *PUBLICATION_FIELDSETS,
    ]
    slug_sources = {"slug": ("title",)}
    autocomplete_fields = ["topic", "sources"]
    inlines = [OptionInline, AspectInline, CriterionInline]
    list_display = ["title", "topic", *PUBLICATION_COLUMNS]
    list_select_related = ["topic", "reviewed_by"]
    search_fields = ["title", "slug", "summary", "introduction", "conclusion"]


class OwnOptionsMixin:
    """Inline rows of an aspect or criterion offer only its comparison's options."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "option":
            kwargs["queryset"] = ComparisonOption.objects.filter(
                comparison_id=self.comparison_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances live for one request, so the parent can be noted here.
        self.comparison_id = obj.comparison_id if obj is not None else None
        return super().get_formset(request, obj, **kwargs)


class OptionPointInline(PartInline, admin.TabularInline):
    model = OptionPoint
    page_path = "comparison"
    fields = ["kind", "position", "text"]
    show_change_link = False


@admin.register(ComparisonOption)
class ComparisonOptionAdmin(PartAdmin):
    page_path = "comparison"
    fields = [
        "comparison",
        ("position", "key", "name"),
        "summary",
        "topic",
        "favoured_lead",
        "required_lead",
    ]
    autocomplete_fields = ["comparison", "topic"]
    inlines = [OptionPointInline]
    list_display = ["name", "key", "comparison", "position"]
    list_select_related = ["comparison"]
    search_fields = ["name", "key", "comparison__title"]


class CellInline(OwnOptionsMixin, PartInline, admin.TabularInline):
    model = AspectCell
    page_path = "comparison"
    fields = ["option", "text"]
    show_change_link = False


@admin.register(Aspect)
class AspectAdmin(PartAdmin):
    page_path = "comparison"
    fields = ["comparison", "position", "key", "name"]
    autocomplete_fields = ["comparison"]
    inlines = [CellInline]
    list_display = ["name", "key", "comparison", "position"]
    list_select_related = ["comparison"]
    search_fields = ["name", "key", "comparison__title"]


@admin.register(AspectCell)
class AspectCellAdmin(PartAdmin):
    page_path = "aspect__comparison"
    fields = ["aspect", "option", "text"]
    autocomplete_fields = ["aspect", "option"]
    list_display = ["__str__", "text"]
    list_select_related = ["aspect", "option"]
    search_fields = ["text", "aspect__name", "option__name"]


@admin.register(OptionPoint)
class OptionPointAdmin(PartAdmin):
    page_path = "option__comparison"
    fields = ["option", "kind", "position", "text"]
    autocomplete_fields = ["option"]
    list_display = ["text", "kind", "option", "position"]
    list_select_related = ["option"]
    search_fields = ["text", "option__name"]


class EffectInline(OwnOptionsMixin, PartInline, admin.TabularInline):
    model = CriterionEffect
    page_path = "comparison"
    fields = ["answer", "option", "effect", "reason"]
    show_change_link = False


@admin.register(Criterion)
class CriterionAdmin(PartAdmin):
    page_path = "comparison"
    fields = ["comparison", "position", "key", "question", "help_text", "is_published"]
    autocomplete_fields = ["comparison"]
    inlines = [EffectInline]
    list_display = ["question", "key", "comparison", "is_published"]
    list_select_related = ["comparison"]
    search_fields = ["question", "key", "comparison__title"]


@admin.register(CriterionEffect)
class CriterionEffectAdmin(PartAdmin):
    page_path = "criterion__comparison"
    fields = ["criterion", "answer", "option", "effect", "reason"]
    autocomplete_fields = ["criterion", "option"]
    list_display = ["__str__", "reason"]
    list_select_related = ["criterion", "option"]
    search_fields = ["reason", "criterion__question", "option__name"]
