"""The API's JSON parser: DRF's, answering 400 to a body nested too deep too, not 500."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            return super().parse(stream, media_type, parser_context)
        # DRF answers 400 to invalid JSON, `NaN` and numbers too long (each a ValueError).
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
