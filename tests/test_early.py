"""Converting before Pelican is imported (early.py): the settings read ahead
are the build's, a build takes the conversion only when they are, and either
way it builds the same site and leaves no process or folder behind."""

import os
import shutil
import subprocess
import sys

import pytest
from pelican.settings import DEFAULT_CONFIG

from conftest import CONTENT, ROOT, SETTINGS
from nashra import build as build_module
from nashra import early
from nashra.build import BuildFailed, load_settings
from nashra.convert import BODY_SPOOL
from nashra.settings import configure
from nashra.sources import markdown_files
from test_rebuilds import _children, differences, rebuild

PUBLISH = ROOT / "publishconf.py"
# Two processes, whatever the machine: with one there is nothing to start ahead.
TWO = {"BUILD_PROCESSES": 2}


def test_the_defaults_read_ahead_are_pelicans():
    assert {key: DEFAULT_CONFIG[key] for key in early.PELICAN_DEFAULTS} == early.PELICAN_DEFAULTS


@pytest.mark.parametrize("settings_file", [SETTINGS, PUBLISH], ids=["pelicanconf", "publishconf"])
@pytest.mark.parametrize("content", [None, CONTENT], ids=["its-content", "--content"])
def test_the_settings_read_ahead_are_those_the_build_reads(settings_file, content, tmp_path,
                                                           monkeypatch):
    monkeypatch.chdir(ROOT)  # publishconf.py imports pelicanconf.py from there
    output, overrides = tmp_path / "output", {"BUILD_CACHE": False, **TWO}
    guessed = early.guess_settings(str(settings_file),
                                   early.overrides_for(content, output, overrides))
    read = configure(load_settings(str(settings_file), content, output, overrides))
    used = [key for key in early.USED if key != BODY_SPOOL]  # build.py sets it
    assert {key: guessed[key] for key in used} == {key: read[key] for key in used}
    assert guessed["OUTPUT_PATH"] == read["OUTPUT_PATH"]
    assert markdown_files(guessed) == markdown_files(read) != []


def test_starting_ahead_imports_no_pelican():
    """Else the conversion would start no earlier than before."""
    code = ("import sys; sys.path.insert(0, 'plugins'); import nashra.build; "
            "print(sorted(name for name in sys.modules if name.split('.')[0] in "
            "('pelican', 'jinja2', 'docutils')))")
    imported = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    assert imported == "[]"


@pytest.fixture
def site_folder(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path


def adoptions(monkeypatch):
    """What each build's plugin made of the conversion started ahead."""
    taken = []
    adopt = early.EarlyConversion.adopt
    monkeypatch.setattr(early.EarlyConversion, "adopt",
                        lambda self, *args: taken.append(adopt(self, *args)) or taken[-1])
    return taken


@pytest.mark.parametrize("cache", [False, True], ids=["cold", "with-cache"])
def test_a_build_takes_the_conversion_started_ahead_and_builds_the_same_site(
        site_folder, monkeypatch, cache):
    taken = adoptions(monkeypatch)
    before = _children()
    ahead = rebuild(site_folder, "ahead", cache=cache, **TWO)
    assert len(taken) == 1 and taken[0] is not None
    monkeypatch.setattr(build_module, "start_conversion", lambda *args, **kwargs: None)
    assert differences(ahead, rebuild(site_folder, "after", cache=cache, **TWO)) == []
    assert _children() == before
    assert leftovers(site_folder) == []


def leftovers(folder):
    """Spool or staging folders a build left beside its output."""
    return [name for name in os.listdir(folder) if ".bodies-" in name or ".building-" in name]


def test_a_wrong_guess_is_not_taken_and_the_build_converts_as_it_would_have(
        site_folder, monkeypatch):
    """A guess that differs from the settings the build reads (here in one
    setting the conversion uses) is stopped, and the site is the same."""
    taken = adoptions(monkeypatch)
    guess = early.guess_settings

    def wrong(*args):
        return {**guess(*args), "TYPOGRIFY_LANGUAGES": []}

    monkeypatch.setattr(early, "guess_settings", wrong)
    before = _children()
    wrongly = rebuild(site_folder, "wrongly", cache=False, **TWO)
    assert taken == [None]
    assert _children() == before
    monkeypatch.setattr(early, "guess_settings", guess)
    assert differences(wrongly, rebuild(site_folder, "rightly", cache=False, **TWO)) == []
    assert leftovers(site_folder) == []


def test_a_build_that_fails_before_taking_it_stops_it_and_leaves_nothing(site_folder):
    before = _children()
    with pytest.raises(BuildFailed, match="I18N_DIGITS"):
        rebuild(site_folder, cache=False, I18N_DIGITS="roman", **TWO)
    assert _children() == before
    assert sorted(os.listdir(site_folder)) == ["content"]


def test_a_settings_file_that_cannot_be_read_ahead_starts_nothing(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("PATH = undefined_name\n", "utf-8")
    before = _children()
    assert early.start_conversion(str(broken)) is None
    assert _children() == before and os.listdir(tmp_path) == ["broken.py"]
