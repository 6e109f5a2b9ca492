"""The editorial admin, where editors, medical reviewers and publishers work.

``workflow`` holds the roles, statuses, reviews and history shared by every
page; each other module registers the admin of one subject.
"""

from content.admin import comparison, resource, topic, workflow

__all__ = ["comparison", "resource", "topic", "workflow"]
