"""Atom feeds read by a strict RFC 4287 parser (atoma), and checked against the
constraints of RFC 4287 that feed validators enforce.

No W3C feed validator can run here: the W3C's own is Python 2 code, packaged
only by old Debian releases, and nothing equivalent is on PyPI. atoma refuses
a feed that lacks a required element; the checks below cover the rest of what
the W3C validator reports as errors for Atom."""

import datetime

import atoma
import pytest
from lxml import etree

from test_sample_site import all_feeds

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def atom_feeds(site):
    return [path for path in all_feeds(site) if path.endswith(".atom") or ".atom." in path]


def rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


def test_every_atom_feed_satisfies_rfc_4287(sample_site):
    feeds = atom_feeds(sample_site)
    assert len(feeds) == 2 * (1 + 3 + 10)
    for path in feeds:
        data = (sample_site.output / path).read_bytes()
        parsed = atoma.parse_atom_bytes(data)  # raises on a missing required element
        assert parsed.id_ and parsed.title.value and parsed.updated, path
        root = etree.fromstring(data)
        assert root.tag == f"{ATOM}feed" and root.get(XML_LANG) in ("ar", "en"), path
        # Exactly one id, title and updated; updated in RFC 3339 with an offset.
        for name in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{name}")) == 1, (path, name)
        assert rfc3339(root.findtext(f"{ATOM}updated")), path
        # An author for the feed (so entries need none), and one self link.
        assert root.find(f"{ATOM}author/{ATOM}name").text, path
        self_links = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert len(self_links) == 1, path
        for entry in root.findall(f"{ATOM}entry"):
            for name in ("id", "title", "updated"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1, (path, name)
            assert rfc3339(entry.findtext(f"{ATOM}updated")), path
            assert entry.findtext(f"{ATOM}id").startswith("tag:"), path
            content = entry.find(f"{ATOM}content")
            assert content is not None and content.get("type") == "html", path
            alternates = [l for l in entry.findall(f"{ATOM}link") if l.get("rel") == "alternate"]
            assert len(alternates) == 1, path


def test_the_strict_parser_does_refuse_a_broken_feed():
    broken = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    with pytest.raises(atoma.FeedParseError):
        atoma.parse_atom_bytes(broken)
