"""What a partner key looks like, and how to keep one out of any text.

Free of Django imports: the logging configuration loads it before the apps.
"""

import re

KEY_HEADER = "X-Api-Key"
KEY_QUERY_PARAMETER = "key"
# What KeyGenerator makes: an 8-character prefix, a dot, a 32-character secret.
KEY_PATTERN = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")
REDACTED = "[redacted]"
# The value of a key= query parameter or an X-Api-Key header (also as an
# environ key or a dict entry), whatever its shape.
KEY_VALUE = re.compile(
    r"(?P<name>[?&;]key=|x[-_]api[-_]key['\"]?\s*[:=,]\s*['\"]?)"
    r"(?P<value>[^&\s'\",;}]+)",
    re.IGNORECASE,
)


def redact_keys(text: str) -> str:
    """``text`` with every partner key, and every value given as one, replaced."""
    text = KEY_VALUE.sub(lambda match: match["name"] + REDACTED, text)
    return KEY_PATTERN.sub(REDACTED, text)
