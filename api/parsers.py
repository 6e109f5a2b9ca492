"""Request bodies: DRF's JSON parser, with nesting bounded before parsing.

Python's JSON decoder recurses once per level of nesting, so a body of a few
thousand brackets ends in a RecursionError (a 500). No request this API takes
nests more than a few levels, so deeper bodies are refused with a 400 before
the decoder sees them.
"""

import io
import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 20
# A whole string (skipped, brackets and all) or one bracket.
JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def nests_deeper_than(body: bytes, limit: int) -> bool:
    """Whether arrays and objects in ``body`` nest more than ``limit`` levels.

    Stops at the first bracket past the limit, so a flood of them costs little.
    """
    depth = 0
    for token in JSON_TOKEN.finditer(body):
        bracket = token[0]
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (b"]", b"}"):
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        if nests_deeper_than(body, MAX_JSON_DEPTH):
            raise ParseError(
                f"The JSON body nests arrays and objects more than "
                f"{MAX_JSON_DEPTH} levels deep."
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)
