"""Nashra's tasks. `invoke --list` shows them; `invoke --help TASK` their options.

The Makefile only prepares the virtual environment and calls these.
"""

import atexit
import datetime
import gc
import json
import os
import shutil
import sys
import zoneinfo

from invoke import task
from invoke.exceptions import Exit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "plugins"))

SETTINGS = os.path.join(HERE, "pelicanconf.py")
PUBLISH_SETTINGS = os.path.join(HERE, "publishconf.py")
OUTPUT = os.path.join(HERE, "output")
CONTENT = os.path.join(HERE, "content")
THEME = os.path.join(HERE, "theme")
CATALOGS = os.path.join(THEME, "translations")
PLUGIN = os.path.join(HERE, "plugins", "nashra")

# At exit the interpreter's last garbage collections walk every object a build
# made (0.3 s of a 1.8 s rebuild at 1,000 pairs), only to free memory that the
# process's end frees anyway. Frozen objects are left out of them.
atexit.register(gc.freeze)


def _build(settings=SETTINGS, content=None, output=OUTPUT, overrides=None):
    from nashra.build import build_and_report  # noqa: PLC0415

    return build_and_report(settings, content=content, output=output, overrides=overrides)


def _build_in_a_fresh_process(settings, content, output, overrides):
    """Replace this process with a fresh Python that builds, reports and exits
    (1 if the build failed): Invoke's own modules (4 MB) would otherwise stay in
    the build's memory, and in that of every process the build forks. So this
    imports nothing of Nashra's. Where a process cannot be replaced in place
    (not POSIX), the build runs here."""
    if os.name != "posix":
        if _build(settings, content, output, overrides) is None:
            raise Exit(code=1)
        return
    request = json.dumps({"settings_file": settings, "content": content, "output": output,
                          "overrides": overrides})
    plugins = os.path.join(HERE, "plugins")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [plugins, os.environ.get("PYTHONPATH")]))}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-c", FRESH_BUILD, request], environment)


FRESH_BUILD = "import sys; from nashra.build import main; sys.exit(main(sys.argv[1]))"


# Invoke derives a short flag from each option's letters, and for --no-search
# (n and o taken) it took "-", so that `--` meant --no-search: long flags only.
@task(auto_shortflags=False, help={
    "content": "content folder to build (default: content/)",
    "output": "where to write the site (default: output/)",
    "settings": "settings file (default: pelicanconf.py)",
    "no_cache": "build cold: use no cache and leave none",
    "no_search": "skip the search index (a quicker preview)",
    "processes": "processes for this build (default: BUILD_PROCESSES, one per core); "
                 "1 is slower but holds less memory",
})
def build(c, content=None, output=OUTPUT, settings=SETTINGS, no_cache=False, no_search=False,
          processes=None):
    """Check the content and build the site; the output changes only if all succeeds."""
    overrides = {}
    if no_cache:
        overrides["BUILD_CACHE"] = False
    if no_search:
        overrides["SEARCH_INDEX"] = False
    if processes is not None:
        # Anything but a whole number is left for the settings' check to explain.
        overrides["BUILD_PROCESSES"] = int(processes) if processes.isdigit() else processes
    _build_in_a_fresh_process(settings, content, output, overrides)


@task(help={"content": "content folder to check (default: content/)",
            "settings": "settings file (default: pelicanconf.py)",
            "fix_organisations": "add the organisations an article mentions to its Organisations"})
def check(c, content=None, settings=SETTINGS, fix_organisations=False):
    """Check all content without building: one `path:line: problem (fix)` per problem."""
    from nashra.build import load_settings  # noqa: PLC0415
    from nashra.check import check_sources, fix_organisations as fix  # noqa: PLC0415
    from nashra.settings import SettingsError, configure  # noqa: PLC0415

    try:
        values = configure(load_settings(settings, content=content))
    except SettingsError as error:
        raise Exit(str(error), code=2) from None
    problems, sources = check_sources(values, hints=True)
    if fix_organisations:
        hints = [problem for problem in problems if problem.warning]
        for path in fix(hints, sources):
            print(f"Added organisations to {path}")
        problems, _ = check_sources(values, hints=True)
    for problem in problems:
        print(problem)
    errors = [problem for problem in problems if not problem.warning]
    if errors:
        raise Exit(f"{len(errors)} problem(s) found.", code=1)
    warnings = len(problems) - len(errors)
    print(f"The content is in order{f', with {warnings} warning(s)' if warnings else ''}.")


@task(help={
    "slug": "the article's slug, the same in both languages (e.g. ifla-meeting-doha)",
    "title_ar": "the Arabic title",
    "title_en": "the English title",
    "date": "publication date, YYYY-MM-DD or YYYY-MM (default: today)",
    "category": "category slug (default: the first in content/data/categories.yaml)",
    "content": "content folder to write into (default: content/)",
})
def new(c, slug, title_ar, title_en, date=None, category=None, content=None):
    """Scaffold a new article in Arabic and English, every field present and explained."""
    from nashra.build import load_settings  # noqa: PLC0415
    from nashra.data import load_registry  # noqa: PLC0415
    from nashra.scaffold import ScaffoldError, write_article_pair  # noqa: PLC0415
    from nashra.settings import configure  # noqa: PLC0415

    settings = configure(load_settings(SETTINGS, content=content))
    registry, _ = load_registry(settings)
    category = category or next(iter(registry.categories), "")
    today = datetime.datetime.now(zoneinfo.ZoneInfo(settings["TIMEZONE"])).date().isoformat()
    try:
        paths = write_article_pair(settings["PATH"], slug, {"ar": title_ar, "en": title_en},
                                   date or today, category)
    except ScaffoldError as error:
        raise Exit(str(error), code=1) from None
    for path in paths:
        print(f"Wrote {os.path.relpath(path)}")
    print("Both files are drafts: write the text, then set Status: published.")


@task(help={"port": "port to serve on (default: 8000)", "bind": "address (default: 127.0.0.1)",
            "output": "folder to serve (default: output/)"})
def serve(c, port=8000, bind="127.0.0.1", output=OUTPUT):
    """Serve output/ on http://localhost:8000 (build it first with `invoke build`)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer  # noqa: PLC0415

    if not os.path.isdir(output):
        raise Exit(f"There is no {output} yet: run `make build` first.", code=1)
    RootedHTTPServer.allow_reuse_address = True
    server = RootedHTTPServer(output, (bind, int(port)), ComplexHTTPRequestHandler)
    print(f"Serving {os.path.relpath(output)} at http://{bind}:{port}/ (Ctrl-C stops).", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(help={"port": "port to serve on (default: 8000)", "bind": "address (default: 127.0.0.1)",
            "no_search": "skip the search index: a rebuild after an edit then updates only the "
                         "pages that changed (the search page finds nothing)"})
def livereload(c, port=8000, bind="127.0.0.1", no_search=False):
    """Build, serve, and rebuild and reload the browser whenever content, theme or settings change."""
    from livereload import Server  # noqa: PLC0415

    overrides = {"SEARCH_INDEX": False} if no_search else None
    _build(overrides=overrides)
    server = Server()

    def rebuild(*changed_paths):
        _build(overrides=overrides)

    for pattern in ("content/**/*", "theme/**/*", "pelicanconf.py"):
        server.watch(os.path.join(HERE, pattern), rebuild)
    server.serve(host=bind, port=int(port), root=OUTPUT)


@task(help={"k": "only tests matching this pytest expression",
            "workers": "parallel test processes (default: auto)"})
def test(c, k=None, workers="auto"):
    """Run the whole test suite (installs Java, Chromium and the npm tools when missing)."""
    _ensure_system_tools(c)
    _ensure_npm_tools(c)
    options = f"-n {workers}" if workers != "0" else ""
    selection = f"-k '{k}'" if k else ""
    c.run(f"{sys.executable} -m pytest {options} {selection}", pty=False)


# Debian packages the tests drive: Java for the Nu HTML Checker, Chromium (with
# fonts that have Arabic) for the browser tests, rsync for publishing. Never a
# browser download.
SYSTEM_TOOLS = {"java": ["default-jre-headless"], "chromium": ["chromium", "fonts-noto-core"],
                "rsync": ["rsync"], "npm": ["nodejs", "npm"]}


def _ensure_npm_tools(c):
    """axe-core and Lighthouse, pinned in package-lock.json; installed again only
    when the lock file changes. --ignore-scripts: no package may fetch a browser."""
    lock = os.path.join(HERE, "package-lock.json")
    installed = os.path.join(HERE, "node_modules", ".package-lock.json")
    if not shutil.which("npm"):
        return  # the browser tests say what is missing
    if os.path.exists(installed) and os.path.getmtime(installed) >= os.path.getmtime(lock):
        return
    print("Installing the pinned npm tools (npm ci)...")
    c.run("npm ci --no-audit --no-fund --ignore-scripts", hide="out")


def _ensure_system_tools(c):
    missing = [package for command, packages in SYSTEM_TOOLS.items()
               if not shutil.which(command) for package in packages]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing {', '.join(missing)} for the tests (apt-get)...")
        c.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
              f"--no-install-recommends {' '.join(missing)}")
    else:
        print(f"Missing {', '.join(missing)}: the tests that need them will be skipped "
              f"(install with `sudo apt-get install {' '.join(missing)}`).")


@task
def translations(c):
    """Extract the theme's strings, update the Arabic catalog, and list what is untranslated."""
    from babel.messages.pofile import read_po  # noqa: PLC0415

    pot = os.path.join(CATALOGS, "messages.pot")
    c.run(f"{sys.executable} -m babel.messages.frontend extract -F {THEME}/babel.cfg "
          f"--no-location --sort-output --project=Nashra -o {pot} {THEME} {PLUGIN}", hide="both")
    # --ignore-obsolete: strings gone from the templates leave the catalog.
    # Babel keeps the catalog's own Plural-Forms header, which must stay the
    # CLDR rule (see the header of the .po).
    c.run(f"{sys.executable} -m babel.messages.frontend update -i {pot} -d {CATALOGS} "
          "--ignore-obsolete --no-fuzzy-matching", hide="both")
    for lang in sorted(os.listdir(CATALOGS)):
        po = os.path.join(CATALOGS, lang, "LC_MESSAGES", "messages.po")
        if not os.path.exists(po):
            continue
        with open(po, "rb") as stream:
            catalog = read_po(stream, locale=lang)
        todo = [m.id for m in catalog if m.id and (not _translated(m) or m.fuzzy)]
        print(f"{lang}: {len(todo)} untranslated string(s)")
        for message_id in todo:
            print(f"  {message_id}")


def _translated(message):
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


@task(help={"pairs": "article pairs in the synthetic corpus (default: 1000); several sizes, "
                     "comma-separated (250,1000,4000), also report how the cost grows",
            "runs": "timed runs of each build (default: 3)",
            "workdir": "where the corpus and the outputs go (default: bench-results/)",
            "profile": "instead of timing, profile one cold build of each: where the time goes "
                       "(with several sizes, also how the work grows, in function calls)",
            "settle": "seconds to wait before the first round, for files deleted before "
                      "the run (default: 361 s, see README)"})
def bench(c, pairs="1000", runs=3, workdir=None, profile=False, settle=None):
    """Time Nashra against plain Pelican on a synthetic bilingual archive; print and save the figures."""
    from nashra import benchmark  # noqa: PLC0415

    workdir = workdir or os.path.join(HERE, "bench-results")
    sizes = [int(size) for size in str(pairs).split(",")]

    def save(figures, name):
        path = os.path.join(workdir, name)
        benchmark.write_json(figures, path)
        print(f"Figures written to {os.path.relpath(path)}")

    results = []
    for size in sizes:
        if profile:
            result, kind = benchmark.profile(HERE, size, workdir), "profile"
            print(benchmark.profile_report(result))
        else:
            result, kind = benchmark.run(HERE, size, int(runs), workdir,
                                         None if settle is None else float(settle)), "bench"
            print(benchmark.report(result))
        save(result, f"{kind}-{size}.json")
        results.append(result)
    if len(sizes) > 1:
        named = "-".join(map(str, sorted(sizes)))
        if profile:
            scaling = benchmark.work_scaling(results)
            print(benchmark.work_scaling_report(scaling))
            save(scaling, f"work-scaling-{named}.json")
        else:
            scaling = benchmark.scaling(results)
            print(benchmark.scaling_report(scaling))
            save(scaling, f"scaling-{named}.json")


@task
def lock(c):
    """Recompile requirements.txt, every dependency pinned, from requirements.in."""
    c.run(f"{sys.executable} -m piptools compile --quiet --strip-extras --no-emit-index-url "
          "--no-emit-find-links --output-file requirements.txt requirements.in")


@task(help={
    "to": "rsync (default) or github (the gh-pages branch, with ghp-import)",
    "target": "rsync destination, e.g. user@host:/var/www/nashra/ "
              "(default: PUBLISH_RSYNC_TARGET in publishconf.py)",
    "push": "push the gh-pages branch to origin (default: yes)",
    "content": "content folder to build (default: content/)",
    "output": "where to build before deploying (default: output/)",
})
def publish(c, to="rsync", target=None, push=True, content=None, output=OUTPUT):
    """Build with publishconf.py, verify, and deploy only that verified tree."""
    from nashra.build import load_settings  # noqa: PLC0415

    settings = load_settings(PUBLISH_SETTINGS)
    if to == "rsync":
        target = target or settings.get("PUBLISH_RSYNC_TARGET")
        if not target:
            raise Exit("Say where to publish: --target user@host:/path/ or PUBLISH_RSYNC_TARGET.",
                       code=2)
    elif to != "github":
        raise Exit(f"--to {to!r}: use rsync or github.", code=2)
    if _build(PUBLISH_SETTINGS, content, output) is None:
        raise Exit("Nothing was published.", code=1)
    if to == "rsync":
        # --delay-updates: the server swaps the changed files in at the end.
        c.run(f"rsync -rlptzc --delete --delay-updates {output}/ {target}")
    else:
        ghp_import = os.path.join(os.path.dirname(sys.executable), "ghp-import")
        cname = settings.get("PUBLISH_GITHUB_CNAME")
        c.run(f"{ghp_import} --no-jekyll --force --branch gh-pages "
              f"{'--push ' if push else ''}{f'--cname {cname} ' if cname else ''}"
              f"--message 'Publish the site' {output}")


@task
def clean(c):
    """Remove the generated site and caches."""
    for path in ("output", "cache", "test-artifacts"):
        shutil.rmtree(os.path.join(HERE, path), ignore_errors=True)
