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
JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in ``body``, brackets in strings aside."""
    depth = deepest = 0
    for bracket in JSON_BRACKET.findall(JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        if json_depth(body) > MAX_JSON_DEPTH:
            raise ParseError(
                f"The JSON body nests arrays and objects more than "
                f"{MAX_JSON_DEPTH} levels deep."
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)
