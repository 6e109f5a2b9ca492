"""Content that editors maintain and the API publishes, split by subject."""

from .changes import (
    ContentChange,
    ContentVersion,
    content_version,
    publish_content_version,
)
from .comparison import (
    Answer,
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    Effect,
    OptionPoint,
    PointKind,
)
from .faq import FAQ
from .language import StigmatisingTerm
from .publication import PublicationState, PublicationStatus, Publishable, Reviewer
from .resource import NATIONAL, Region, Resource, ResourceKind
from .review import ReviewNote, ReviewNoteKind
from .search import SearchDocument
from .topic import Section, Source, Topic

__all__ = [
    "FAQ",
    "NATIONAL",
    "Answer",
    "Aspect",
    "AspectCell",
    "Comparison",
    "ContentChange",
    "ContentVersion",
    "ComparisonOption",
    "Criterion",
    "CriterionEffect",
    "Effect",
    "OptionPoint",
    "PointKind",
    "PublicationState",
    "PublicationStatus",
    "Publishable",
    "Region",
    "Resource",
    "ResourceKind",
    "Reviewer",
    "ReviewNote",
    "ReviewNoteKind",
    "SearchDocument",
    "StigmatisingTerm",
    "Section",
    "Source",
    "Topic",
    "content_version",
    "publish_content_version",
]
