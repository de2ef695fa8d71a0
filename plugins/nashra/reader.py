"""Pelican's Markdown reader, taught Nashra's content model.

- The costly part, converting the text (Markdown, sanitising, script isolation,
  typography), was done for every file before Pelican started reading, in
  parallel and through a cache (see convert.py); the reader looks a file's
  conversion up by the digest of the bytes the build converted (so it does not
  read the file again), and converts it on the spot only if it is not there.
- ``Date`` may name only a month (``2024-01``): the article sorts by the first
  day of that month and is shown as the month, never as an invented day
  (Pelican's own parser would fill in today's day).
- ``event-*`` fields and ``Organisations`` become typed values.
- Title and summary are plain text, escaped and typeset once, in conversion.
"""

import os
import sys

from markupsafe import Markup
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader

from . import events
from .check import split_list
from .convert import CONVERSIONS, Conversions, Converter
from .dates import parse_when


class NashraMarkdownReader(MarkdownReader):
    def __init__(self, settings):
        super().__init__(settings)
        self._conversions = settings.get(CONVERSIONS) or Conversions({}, {})
        self._converter = None
        self._wrappers = {}  # (class, name) -> the one Tag or Category of that name

    def process_metadata(self, name, value):
        if name in ("date", "modified"):
            return parse_when(value).moment
        if name in events.FIELDS:
            return events.parse_field(name, value)
        if name == "organisations":
            return tuple(split_list(value))
        value = super().process_metadata(name, value)
        if name == "tags":
            return [self._shared(tag) for tag in value]
        if name == "category":
            return self._shared(value)
        return value

    def _shared(self, wrapper):
        """One Tag or Category object per name: each slugifies its name when
        first hashed, and Pelican hashes them to group thousands of articles."""
        return self._wrappers.setdefault((type(wrapper), wrapper.name), wrapper)

    def read(self, source_path):
        converted = self._conversions.by_digest.get(
            self._conversions.digests.get(os.path.abspath(source_path)))
        if converted is None:  # a file the build did not convert beforehand
            with open(source_path, "rb") as stream:
                converted = self._convert(stream.read())
        metadata = self._metadata(converted.meta)
        for name in ("title", "summary"):
            if getattr(converted, name):
                metadata[name] = Markup(getattr(converted, name))
        return converted.content, metadata

    def _convert(self, data):
        if self._converter is None:
            self._converter = Converter(self.settings)
        return self._converter.convert(data)

    def _metadata(self, meta):
        """Pelican's handling of Markdown metadata (none of Nashra's fields is
        formatted), plus the precision of the date."""
        metadata = {}
        for name, lines in meta.items():
            name = sys.intern(name.lower())  # one string per field name, not one per file
            if not "".join(lines).strip():
                continue  # a field left empty counts as absent
            if len(lines) > 1 and DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                metadata[name] = self.process_metadata(name, lines)
            else:
                metadata[name] = self.process_metadata(name, lines[0])
        if "date" in metadata:
            metadata["date_precision"] = parse_when(meta["date"][0]).precision
        return metadata
