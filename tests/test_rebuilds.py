"""Rebuilds through the caches: the output of a build that reused the previous
one is exactly that of a cold build of the same content, and only what changed
was written again."""

import filecmp
import gc
import multiprocessing
import os
import pickle
import shutil
import time
import weakref

import pytest
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, TemplateSyntaxError
from pelican import signals
from pelican.contents import Content

from conftest import CONTENT, SETTINGS, BuiltSite, visible_text, write_files
from nashra import convert, parallel
from nashra.build import BuildFailed, build, load_settings
from nashra.precompile import SharedCompilation
from nashra.settings import configure
from nashra.site import every_content
from nashra.writer import Job, share_out

EDITED = "articles/ifla-regional-offices-meeting-doha.ar.md"


@pytest.fixture
def site_folder(tmp_path):
    """The sample content in a folder of its own, built once with the caches on."""
    shutil.copytree(CONTENT, tmp_path / "content")
    rebuild(tmp_path)
    return tmp_path


def rebuild(folder, name="output", cache=True, **settings):
    # Without the search index: Pagefind names its files by content hash, and
    # is not what the caches skip.
    build(str(SETTINGS), content=str(folder / "content"), output=str(folder / name),
          overrides={"BUILD_CACHE": cache, "SEARCH_INDEX": False, **settings})
    return folder / name


def edit(folder, old, new):
    path = folder / "content" / EDITED
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def differences(left, right):
    """Paths that differ between two output folders, byte for byte."""
    found = []

    def walk(comparison, prefix):
        found.extend(prefix + name for name in comparison.left_only + comparison.right_only)
        _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right,
                                               comparison.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return found


def inodes(output):
    return {path.relative_to(output).as_posix(): path.stat().st_ino
            for path in output.rglob("*") if path.is_file()}


def test_editing_an_article_text_rebuilds_its_pages_and_reuses_the_rest(site_folder):
    before = inodes(site_folder / "output")
    edit(site_folder, "\n\n", "\n\nفقرة أضيفت للاختبار.\n\n")
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []
    after = inodes(output)
    rewritten = sorted(path for path in after if after[path] != before.get(path))
    article_page = "articles/ifla-regional-offices-meeting-doha/index.html"
    assert article_page in rewritten
    assert "feeds/all.atom.xml" in rewritten  # feeds carry whole articles
    # Its English translation, listings, calendars and the other articles are
    # the very files of the previous build.
    for kept in ("en/articles/ifla-regional-offices-meeting-doha/index.html", "index.html",
                 "events/calendar.ics", "sitemap.xml", "en/feeds/all.atom.xml"):
        assert after[kept] == before[kept], kept
    assert len(rewritten) < len(after) / 10
    text = BuiltSite(output).page(article_page).find("main").get_text()
    assert "فقرة أضيفت للاختبار." in text


def test_editing_a_title_rebuilds_every_page_that_shows_it(site_folder):
    edit(site_folder, "Title: ", "Title: (محدث) ")
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []
    home = BuiltSite(output).page("")
    assert any(link.get_text().startswith("(محدث)") for link in home.select("article.summary h2 a"))


def test_an_output_file_changed_by_hand_is_written_again(site_folder):
    page = site_folder / "output" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []


def snapshot(output):
    return {path: (inode, (output / path).read_bytes()) for path, inode in inodes(output).items()}


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or ".previous-" in p.name)


def test_an_update_in_place_removes_what_the_site_no_longer_has(site_folder):
    (site_folder / "output" / "stray.html").write_text("old", encoding="utf-8")
    (site_folder / "output" / "gone" / "deeper").mkdir(parents=True)
    (site_folder / "output" / "gone" / "deeper" / "index.html").write_text("old", encoding="utf-8")
    edit(site_folder, "\n\n", "\n\nفقرة أخرى.\n\n")
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []
    assert leftovers(site_folder) == []


def test_an_update_that_fails_half_way_puts_every_file_back(site_folder, monkeypatch):
    from nashra import build as build_module

    before = snapshot(site_folder / "output")
    moves = []

    def failing_move(root, relative, to_root, move=build_module._move):
        moves.append(relative)
        if len(moves) == 5:
            raise OSError("the disk is full")
        return move(root, relative, to_root)

    edit(site_folder, "\n\n", "\n\nفقرة أضيفت للاختبار.\n\n")
    monkeypatch.setattr(build_module, "_move", failing_move)
    with pytest.raises(OSError, match="the disk is full"):
        rebuild(site_folder)
    assert snapshot(site_folder / "output") == before
    assert leftovers(site_folder) == []
    monkeypatch.undo()
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []


def test_a_build_that_fails_verification_leaves_the_output_as_it_was(site_folder, monkeypatch):
    from nashra import plugin

    before = snapshot(site_folder / "output")
    edit(site_folder, "\n\n", "\n\nفقرة أضيفت للاختبار.\n\n")
    monkeypatch.setattr(plugin, "verify_output", lambda *args: ["a page was not written"])
    with pytest.raises(BuildFailed, match="a page was not written"):
        rebuild(site_folder)
    assert snapshot(site_folder / "output") == before
    monkeypatch.undo()
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []
    page = BuiltSite(output).page("articles/ifla-regional-offices-meeting-doha/")
    assert "فقرة أضيفت للاختبار." in page.find("main").get_text()


def test_a_replaced_output_folder_is_not_trusted(site_folder):
    shutil.rmtree(site_folder / "output")
    shutil.copytree(site_folder / "content", site_folder / "output")  # anything at all
    output = rebuild(site_folder)
    assert differences(output, rebuild(site_folder, "cold", cache=False)) == []


def test_templates_compiled_with_other_jinja_options_are_not_reused(site_folder):
    """Jinja's bytecode cache checks a template's source, not the options it
    was compiled with: a change of JINJA_ENVIRONMENT must compile again."""
    options = {"trim_blocks": False, "lstrip_blocks": False, "extensions": []}
    rebuilt = rebuild(site_folder, JINJA_ENVIRONMENT=options)
    cold = rebuild(site_folder, "cold", cache=False, JINJA_ENVIRONMENT=options)
    assert differences(rebuilt, cold) == []
    assert differences(rebuilt, rebuild(site_folder, "default", cache=False)) != []


def test_templates_compiled_ahead_serve_only_their_own_source(tmp_path):
    """The helper compiles the theme while the build reads: the build compiles
    none of it again, but compiles itself a template changed since, or one
    that does not compile (and so reports its error), as it would without."""
    folder, kept = tmp_path / "templates", tmp_path / "kept"
    folder.mkdir()
    kept.mkdir()
    (folder / "base.html").write_text("<p>{% block body %}{% endblock %}</p>", "utf-8")
    (folder / "page.html").write_text(
        "{% extends 'base.html' %}{% block body %}{{ name|upper }}{% endblock %}", "utf-8")
    (folder / "broken.html").write_text("{% if %}", "utf-8")
    environment = Environment(loader=FileSystemLoader(str(folder)), autoescape=True)
    cache = SharedCompilation(FileSystemBytecodeCache(str(kept)))
    before = _children()
    cache.start(environment, [str(folder)])
    cache.wait()
    assert _children() == before  # done, and reaped
    assert len(cache.received) == 2
    compiled = []
    compile_template = environment.compile
    environment.compile = lambda source, name, *args: (compiled.append(name),
                                                       compile_template(source, name, *args))[1]
    assert environment.get_template("page.html").render(name="<b>") == "<p>&lt;B&gt;</p>"
    assert compiled == []
    assert len(list(kept.iterdir())) == 2  # kept for the next build too
    environment.cache.clear()
    (folder / "base.html").write_text("<div>{% block body %}{% endblock %}</div>", "utf-8")
    assert environment.get_template("page.html").render(name="x") == "<div>X</div>"
    assert compiled == ["base.html"]
    with pytest.raises(TemplateSyntaxError):
        environment.get_template("broken.html")


def test_a_helper_still_compiling_is_stopped_before_the_writing_processes_fork(tmp_path):
    """Beside the writing processes, it would hold memory of its own; the build
    compiles what it did not send."""
    builder = os.getpid()

    class SlowInHelper(FileSystemLoader):
        def get_source(self, environment, name):
            if os.getpid() != builder and name == "slow.html":
                time.sleep(60)
            return super().get_source(environment, name)

    (tmp_path / "base.html").write_text("<p>{% block body %}{% endblock %}</p>", "utf-8")
    (tmp_path / "slow.html").write_text("{% extends 'base.html' %}{% block body %}s{% endblock %}",
                                        "utf-8")
    environment = Environment(loader=SlowInHelper(str(tmp_path)))
    before = _children()
    cache = SharedCompilation()
    cache.start(environment, [str(tmp_path)])
    assert len(_children() - before) == 1
    started = time.monotonic()
    cache.stop()
    assert time.monotonic() - started < 5
    assert _children() == before  # stopped and reaped, not left a zombie
    assert environment.get_template("slow.html").render() == "<p>s</p>"


def _children():
    """The processes this one forked, ended or not, that it has not reaped."""
    found = set()
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid():
            found.add(int(entry))
    return found


def test_what_the_helper_sent_is_kept_though_it_was_stopped_before_keeping_it(tmp_path):
    """The build stops a helper still at work once it has written every page:
    a template whose code arrived before is kept for the next build all the
    same, not compiled again by it."""
    builder = os.getpid()

    class SlowToKeepInHelper(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket):
            if os.getpid() != builder:
                time.sleep(60)
            super().dump_bytecode(bucket)

    folder, kept = tmp_path / "templates", tmp_path / "kept"
    folder.mkdir()
    kept.mkdir()
    (folder / "base.html").write_text("<p>{% block body %}{% endblock %}</p>", "utf-8")
    (folder / "page.html").write_text("{% extends 'base.html' %}{% block body %}p{% endblock %}",
                                      "utf-8")
    environment = Environment(loader=FileSystemLoader(str(folder)))
    cache = SharedCompilation(SlowToKeepInHelper(str(kept)))
    cache.start(environment, [str(folder)])
    deadline = time.monotonic() + 10
    while not cache.received and time.monotonic() < deadline:
        time.sleep(0.01)
        cache._receive()
    assert cache.received  # base.html, the first it compiles
    cache.stop()
    assert environment.get_template("page.html").render() == "<p>p</p>"
    following = Environment(loader=FileSystemLoader(str(folder)),
                            bytecode_cache=FileSystemBytecodeCache(str(kept)))
    compiled = []
    compile_template = following.compile
    following.compile = lambda source, name, *args: (compiled.append(name),
                                                     compile_template(source, name, *args))[1]
    assert following.get_template("page.html").render() == "<p>p</p>"
    assert compiled == []


def test_a_rebuild_compiles_no_template(site_folder, monkeypatch):
    """Nashra's templates and those Pelican's own generators still ask for
    (for the pages Nashra switched off) are both kept compiled."""
    edit(site_folder, "Title: ", "Title: (محدث) ")  # every page is rendered again
    compiled = []
    compile_template = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, source, name=None, *args, **kwargs:
                        compiled.append(name) or compile_template(self, source, name, *args,
                                                                  **kwargs))
    rebuild(site_folder, BUILD_PROCESSES=1)
    assert compiled == []


def test_a_cold_build_uses_and_leaves_no_cache(tmp_path, monkeypatch):
    """Nor its spool of converted bodies, whether it succeeds or fails after
    rendering every page from the spool."""
    from nashra import plugin

    shutil.copytree(CONTENT, tmp_path / "content")
    rebuild(tmp_path, cache=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "output"]
    monkeypatch.setattr(plugin, "verify_output", lambda *args: ["a page was not written"])
    with pytest.raises(BuildFailed, match="a page was not written"):
        rebuild(tmp_path, cache=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "output"]


def test_a_cold_build_finds_the_files_a_text_links_to_though_its_bodies_wait_in_the_spool(
        tmp_path):
    """A cold build's conversions come back from the workers without their
    bodies, which wait in the spool for their pages; but Pelican looks for
    the static files a text links to while it reads it, so a body with such
    a link comes back whole (without it, this build fails: the file is
    outside STATIC_PATHS and nothing else would copy it)."""
    shutil.copytree(CONTENT, tmp_path / "content")
    write_files(tmp_path / "content", {"files/report.pdf": b"%PDF-1.4\n"})
    english = tmp_path / "content" / EDITED.replace(".ar.md", ".en.md")
    english.write_text(english.read_text("utf-8") +
                       "\nThe [report]({static}/files/report.pdf) is online.\n", "utf-8")
    site = BuiltSite(rebuild(tmp_path, cache=False))
    assert (site.output / "files" / "report.pdf").read_bytes() == b"%PDF-1.4\n"
    page = site.page("en/articles/ifla-regional-offices-meeting-doha/")
    [link] = page.select("article a[href$='report.pdf']")
    assert site.file_for(link["href"]) == site.output / "files" / "report.pdf"


def test_a_build_leaves_nothing_out_of_garbage_collection(tmp_path):
    """A build freezes its objects out of the collector's full collections;
    when it ends, succeeded or failed, they must be collectable again, or a
    process that builds again and again (livereload) would keep every build."""
    shutil.copytree(CONTENT, tmp_path / "content")
    rebuild(tmp_path, cache=False)
    assert gc.get_freeze_count() == 0
    (tmp_path / "content" / EDITED).write_text("Title: no slug, no date\n\ntext\n", "utf-8")
    with pytest.raises(BuildFailed):
        rebuild(tmp_path, cache=False)
    assert gc.get_freeze_count() == 0


def test_conversions_and_bodies_are_let_go_once_every_file_is_read(tmp_path, monkeypatch):
    """Pelican's articles hold what the rendering needs of a conversion, but
    not their bodies, which each page loads back (from the build's spool)
    when it is rendered: neither the conversions nor the bodies may live on
    through the rendering, nor may the bodies the rendering loaded."""
    made, alive_when_rendering, bodies_held = [], [], []
    convert_file = convert.Converter.convert
    monkeypatch.setattr(convert.Converter, "convert", lambda self, data:
                        made.append(weakref.ref(result := convert_file(self, data))) or result)

    def look(generators):
        alive_when_rendering.append(sum(ref() is not None for ref in made))
        bodies_held.extend(content for content in every_content(generators[0].context)
                           if content._content)

    signals.all_generators_finalized.connect(look)
    try:
        shutil.copytree(CONTENT, tmp_path / "content")
        output = rebuild(tmp_path, cache=False)
    finally:
        signals.all_generators_finalized.disconnect(look)
    assert len(made) > 10  # the sample content, converted in this process
    assert alive_when_rendering == [0]
    assert bodies_held == []
    assert Content.get_content.cache == {}  # what the rendering loaded is gone too
    # And the page still shows its whole body, down to its last paragraph.
    last_paragraph = (tmp_path / "content" / EDITED).read_text("utf-8").split("\n\n")[-1]
    shown = visible_text(BuiltSite(output).page("articles/ifla-regional-offices-meeting-doha/")
                         .find("main"))
    assert " ".join(last_paragraph.split()[:8]) in shown


def test_work_in_a_child_gives_its_result_or_its_error_and_leaves_no_child():
    assert parallel.InChild(pow, 2, 10).result() == 1024
    with pytest.raises(ZeroDivisionError):
        parallel.InChild(divmod, 1, 0).result()
    with parallel.InChild(os.getpid) as child:
        pass  # the block ends before anyone asks for the result
    assert not os.path.exists(f"/proc/{child.pid}")  # reaped, not left a zombie
    assert child.result() == child.pid != os.getpid()


def test_languages_share_out_whole_while_processes_are_few():
    jobs = [Job(None, f"{lang}{n}", lang, [], weight) for lang, n, weight in
            [("ar", 1, 5), ("ar", 2, 1), ("en", 1, 4), ("en", 2, 1), ("", 1, 1)]]
    shares = share_out(jobs, 2)
    assert sorted(sorted(job.name for job in share) for share in shares) == \
        [["1", "en1", "en2"], ["ar1", "ar2"]]
    assert sum(len(share) for share in share_out(jobs, 8)) == 5  # every job, once
    assert len(share_out(jobs, 8)) == 5


def test_movable_jobs_come_last_in_their_share():
    jobs = [Job(None, name, "ar", [], movable=movable) for name, movable in
            [("page-1", True), ("listing", False), ("page-2", True), ("feed", False)]]
    [share] = share_out(jobs, 1)
    assert [job.name for job in share] == ["listing", "feed", "page-1", "page-2"]


def test_a_process_done_with_its_share_takes_movable_items_from_the_end_of_another():
    here = os.getpid()
    helping = multiprocessing.get_context("fork").Event()

    def work(item):
        # The owner of the long share stays on its first item until the other
        # process has taken one of the rest: the test needs no timing to hold.
        if item == "slow-listing":
            assert helping.wait(timeout=30), "the other process never took an item"
        elif item.startswith("slow") and os.getpid() != here:
            helping.set()
        return item, os.getpid()

    slow = ["slow-listing", *(f"slow-{n}" for n in range(40))]
    results = parallel.run_items([slow, ["quick"]], work,
                                 movable=lambda item: item != "slow-listing")
    assert [[item for item, _ in share] for share in results] == [slow, ["quick"]]
    assert results[0][0][1] == here  # not movable: done by its share's own process
    helped = [item for item, pid in results[0] if pid != here]
    assert helped and helped == slow[-len(helped):]  # taken from the end
    assert parallel.run_items([[1, 2], [3]], lambda item: item * 2, movable=lambda item: False) == \
        [[2, 4], [6]]


def test_a_failure_in_a_build_process_reaches_the_build():
    def work(share):
        if share == "bad":
            raise ValueError("the template broke")
        return os.getpid()

    with pytest.raises(ValueError, match="the template broke"):
        parallel.run_shares(["good", "bad"], work)
    parent, child = parallel.run_shares(["a", "b"], work)
    assert parent == os.getpid() != child


def conversion_settings(tmp_path, processes):
    settings = configure(load_settings(str(SETTINGS), content=str(CONTENT),
                                       output=str(tmp_path / "output")))
    settings["BUILD_PROCESSES"] = processes
    return settings


def converted(settings, paths, use_cache):
    with convert.Conversion(settings, paths, use_cache) as conversion:
        return conversion.result()


def test_conversions_are_the_same_in_workers_in_one_process_and_from_the_cache(tmp_path):
    """Enough files for worker processes (started while the files are still
    being read), two of them with the same bytes (converted once), and a kept
    conversion damaged between builds (converted again, and mended)."""
    texts = {}
    for number in range(convert.PARALLEL_FROM + 9):
        name = number % (convert.PARALLEL_FROM + 8)  # the last file repeats the first
        texts[str(tmp_path / f"file-{number}.md")] = \
            f"Title: File {name}\nLang: en\n\nA *paragraph* -- {name}.\n".encode()
    for path, data in texts.items():
        with open(path, "wb") as stream:
            stream.write(data)
    paths = list(texts)
    in_workers = converted(conversion_settings(tmp_path, 2), paths, use_cache=False)
    converter = convert.Converter(conversion_settings(tmp_path, 1))
    assert in_workers.by_digest == {convert.digest(data): converter.convert(data)
                                    for data in texts.values()}
    assert len(in_workers.by_digest) == len(paths) - 1
    assert converted(conversion_settings(tmp_path, 1), paths, use_cache=False) == in_workers
    assert not (tmp_path / "cache").exists()

    spooled = conversion_settings(tmp_path, 2)
    spooled[convert.BODY_SPOOL] = tmp_path / "spool"
    (tmp_path / "spool").mkdir()
    from_spool = converted(spooled, paths, use_cache=False)
    assert stored_bodies(from_spool) == bodies(in_workers)
    # The bodies wait in the spool: the build's process does not hold them.
    assert set(bodies(from_spool).values()) == {""}

    settings = conversion_settings(tmp_path, 2)
    cached = converted(settings, paths, use_cache=True)
    assert cached == in_workers and stored_bodies(cached) == bodies(in_workers)
    [folder] = (tmp_path / "cache").glob("converted-*")
    damaged = folder / in_workers.digests[paths[5]]
    damaged.write_bytes(b"not a pickle")
    mended = converted(settings, paths, use_cache=True)
    assert mended == in_workers and stored_bodies(mended) == bodies(in_workers)
    assert pickle.loads(damaged.read_bytes()) == in_workers.by_digest[damaged.name]


def bodies(conversions):
    return {key: converted.content for key, converted in conversions.by_digest.items()}


def stored_bodies(conversions):
    return {key: conversions.bodies.loader(key)() for key in conversions.by_digest}
