"""`invoke bench`: a synthetic bilingual archive, and Nashra timed against plain
Pelican on it, in one run.

The corpus follows the content model: Arabic and English files of about 600
words each, real registry organisations (two or three per article) and
categories, tags, and events on half the articles, of every kind (a day, a
timed session, several days, a month only, online). It is deterministic: the
same number of pairs always gives the same files.
"""

import compileall
import cProfile
import datetime
import itertools
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pelican
from ruamel.yaml import YAML

ARABIC_WORDS = (
    "المكتبات الوطنية العامة الاتحاد العربي للمكتبات والمعلومات برنامج تدريب قادة المبدعين "
    "الناشئين الشبكة الدولية الإقليمية التعاون الشراكات الرقمية الخدمات المجتمع المعرفة الثقافة "
    "الاجتماع الملتقى ورش عمل التنمية المستدامة القراءة الابتكار ريادة الأعمال الاستثمار القطاع "
    "المستخدمين البحث العلمي التقنيات الحديثة المحتوى الموارد المهنية الخبراء المسؤولين الدول "
    "مدينة الرياض الدوحة القاهرة الأقصر في من على إلى مع عن بين خلال حول ضمن كما أن الذي التي"
).split()
ENGLISH_WORDS = (
    "libraries national public federation Arab information programme training leaders "
    "emerging innovators network international regional cooperation partnerships digital "
    "services community knowledge culture meeting forum workshops sustainable development "
    "reading innovation entrepreneurship investment sector users research technologies content "
    "resources professional experts officials countries Riyadh Doha Cairo Luxor the of and to "
    "in for with on by between during about within as that which a an"
).split()
LATIN_IN_ARABIC = ("IFLA", "INELI-MENA", "IDEAs NGO", "AFLI")
EVENT_KINDS = ("day", "timed", "days", "month", "online")
# Changed whenever the corpus changes, so that a corpus made before is made again.
CORPUS_VERSION = 2
FIRST_DAY = datetime.date(2015, 1, 1)
ARCHIVE_DAYS = 12 * 365
ZONES = ("Asia/Qatar", "Asia/Riyadh", "Africa/Cairo")
PLACES = (("مكتبة قطر الوطنية، الدوحة، قطر", "Qatar National Library, Doha, Qatar"),
          ("مكتبة الملك عبد العزيز العامة، الرياض، المملكة العربية السعودية",
           "King Abdulaziz Public Library, Riyadh, Saudi Arabia"),
          ("القاهرة، مصر", "Cairo, Egypt"))


def make_corpus(root, pairs, registry_from):
    """Write `pairs` Arabic/English article pairs under root/articles, with the
    registries of `registry_from`; skip the work if the corpus is already there."""
    root = Path(root)
    stamp, made = root / ".pairs", f"{pairs} pairs, corpus version {CORPUS_VERSION}"
    if stamp.exists() and stamp.read_text() == made:
        return root
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(Path(registry_from) / "data", root / "data")
    shutil.copytree(Path(registry_from) / "pages", root / "pages")
    yaml = YAML(typ="safe")
    organisations = sorted(yaml.load((root / "data" / "organisations.yaml").read_text("utf-8")))
    categories = sorted(yaml.load((root / "data" / "categories.yaml").read_text("utf-8")))
    tags = sorted(yaml.load((root / "data" / "tags.yaml").read_text("utf-8")))
    randomness = random.Random(pairs)
    (root / "articles").mkdir()
    for number in range(pairs):
        date = _date(number, pairs)
        for lang, text in _pair(number, date, randomness, organisations, categories,
                                tags).items():
            (root / "articles" / f"article-{number:05}.{lang}.md").write_text(text, "utf-8")
    stamp.write_text(made)
    return root


def _date(number, pairs):
    """The pairs' dates, evenly spread over twelve years, the first pair the
    oldest: an archive's shape, where a month holds a few articles at 250
    pairs and a few dozen at 4,000 (spread over twelve months only, a month
    page listed 170 events at 4,000 pairs)."""
    return FIRST_DAY + datetime.timedelta(days=number * ARCHIVE_DAYS // pairs)


def _pair(number, date, randomness, organisations, categories, tags):
    date = date.isoformat()
    shared = {"Category": randomness.choice(categories),
              "Tags": ", ".join(randomness.sample(tags, randomness.randint(1, 3)))}
    arabic = {"Title": _sentence(randomness, ARABIC_WORDS, 10), "Date": date,
              "Slug": f"article-{number:05}", "Lang": "ar", **shared,
              "Organisations": ", ".join(randomness.sample(organisations, randomness.randint(2, 3))),
              "Summary": _sentence(randomness, ARABIC_WORDS, 25)}
    english = {"Title": _sentence(randomness, ENGLISH_WORDS, 10), "Date": date,
               "Slug": f"article-{number:05}", "Lang": "en", **shared,
               "Summary": _sentence(randomness, ENGLISH_WORDS, 25)}
    if number % 2 == 0:
        event, (place_ar, place_en) = _event(number, date), randomness.choice(PLACES)
        arabic.update(event)
        arabic["event-location"], english["event-location"] = place_ar, place_en
    return {"ar": _file(arabic, _body(randomness, ARABIC_WORDS, latin=True)),
            "en": _file(english, _body(randomness, ENGLISH_WORDS))}


def _event(number, date):
    kind = EVENT_KINDS[(number // 2) % len(EVENT_KINDS)]
    zone = ZONES[number % len(ZONES)]
    year, month, _ = date.split("-")
    if kind == "day":
        return {"event-start": date, "event-timezone": zone, "event-mode": "in-person"}
    if kind == "timed":
        return {"event-start": f"{date} 09:30", "event-end": f"{date} 13:00",
                "event-timezone": zone, "event-mode": "hybrid",
                "event-url": f"https://example.org/live/{number}"}
    if kind == "days":  # across the end of a month, now and then
        end = datetime.date.fromisoformat(date) + datetime.timedelta(days=2)
        return {"event-start": date, "event-end": end.isoformat(),
                "event-timezone": zone, "event-mode": "in-person"}
    if kind == "month":
        return {"event-start": f"{year}-{month}", "event-timezone": zone}
    return {"event-start": f"{date} 18:00", "event-timezone": zone, "event-mode": "online",
            "event-url": f"https://example.org/join/{number}"}


def _sentence(randomness, words, length):
    return " ".join(randomness.choice(words) for _ in range(length))


def _body(randomness, words, latin=False):
    paragraphs = []
    while sum(len(p.split()) for p in paragraphs) < 600:
        sentence = _sentence(randomness, words, randomness.randint(40, 80))
        if latin and randomness.random() < 0.5:
            sentence += f" {randomness.choice(LATIN_IN_ARABIC)} " + _sentence(randomness, words, 5)
        paragraphs.append(sentence + ".")
    paragraphs[1] = "- " + paragraphs[1][:120] + "\n- " + paragraphs[1][120:240]
    paragraphs[2] = f'**{paragraphs[2][:30]}** {paragraphs[2][30:]} "{paragraphs[2][:20]}"'
    return "\n\n".join(paragraphs)


def _file(fields, body):
    return "\n".join(f"{key}: {value}" for key, value in fields.items()) + "\n\n" + body + "\n"


# -- timing -----------------------------------------------------------------------

PLAIN_SETTINGS = """\
# Plain Pelican, as the benchmark runs it: core only, the simple theme, typogrify.
PATH = {content!r}
OUTPUT_PATH = {output!r}
THEME = {theme!r}
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
DEFAULT_LANG = "ar"
TIMEZONE = "Asia/Riyadh"
TYPOGRIFY = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
SITEURL = ""
"""


def measure(command, env=None, memory=False):
    """(wall seconds, peak memory of the whole process tree in MB, or 0.0).
    Sampling memory takes CPU from the build it measures, so a run either
    times or samples, never both.

    The file system is synced first: what an earlier build wrote is otherwise
    written back 30 seconds later (dirty_expire_interval), in the middle of
    whichever build is running then, and a slow build (plain Pelican at 4,000
    pairs) would slow the one after it."""
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample) if memory else None
    if sampler:
        sampler.start()
    _, errors = process.communicate()
    if sampler:
        sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors[-2000:]}")
    return seconds, peak[0] / 1024


def _tree_rss(root):
    """Kilobytes of memory used by `root` and every process descended from it,
    as proportional set size: a page shared by forked processes counts once;
    0 when no consistent sample could be taken.

    The processes are read one after the other: if one ends in between, the
    pages it shared are counted whole in those read after it and half in it,
    once too many (a build that forked a process to verify its output right
    after its rendering process ended sampled 114 MB instead of 91). A sample
    during which the tree changed is taken again."""
    for _ in range(3):
        tree = _tree(root)
        total = sum(_pss(pid) for pid in tree)
        if _tree(root) == tree:
            return total
    return 0


def _tree(root):
    """`root` and the live processes descended from it (an ended process that
    is not reaped yet holds no memory)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state, parent = stat.read().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            if state != "Z":
                parents[int(entry)] = int(parent)
    tree, grown = {root}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown = bool(children)
        tree |= children
    return tree


def _pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# Linux's ext4 without a journal (fs/ext4/ialloc.c) does not reuse the inode
# of a file deleted less than 60 seconds ago (RECENTCY_MIN), nor one deleted
# less than 360 seconds ago while its inode table block is not yet written
# back (RECENTCY_DIRTY): a build makes those blocks dirty as it creates
# files, so the longer limit is the one that counts. It tests each such free
# inode, one by one, whenever it creates a file.
RECENTLY_DELETED_SECONDS = 360


def run(project, pairs, runs, workdir, settle=None):
    """Time plain Pelican, Nashra cold (as configured, and in one process) and
    Nashra after editing one article, alternating, `runs` times each; returns
    the figures. Each round also builds cold, with both, the same site with no
    articles (its pages and registries only): what a build costs whatever the
    archive's size, which the cost per article leaves out (see _summary).

    No timed build may take the inode of a file deleted shortly before: ext4
    without a journal (as on this project's machines) skips those when it
    creates a file, testing them one by one (see RECENTLY_DELETED_SECONDS),
    and a build then pays for the deletion, the more so the more files and
    folders it writes. So the run deletes nothing while it times: each round
    sets the previous outputs aside (a rename), and they are deleted when the
    run ends. It waits `settle` seconds once, before its first round, for
    whatever was deleted before it started (the previous run's outputs)."""
    settle = RECENTLY_DELETED_SECONDS + 1 if settle is None else settle
    _compile_bytecode(project)
    workdir = Path(workdir)
    content = make_corpus(workdir / f"corpus-{pairs}", pairs, Path(project) / "content")
    empty = make_corpus(workdir / "corpus-0", 0, Path(project) / "content")
    plain_output = workdir / "plain-output"
    plain_empty_output = workdir / "plain-empty-output"
    nashra_output = workdir / "nashra-output"
    nashra_empty_output = workdir / "nashra-empty-output"
    one_process_output = workdir / "nashra-one-process-output"
    edited_output = workdir / "nashra-edited-output"
    timed_outputs = (plain_output, plain_empty_output, nashra_output, nashra_empty_output,
                     one_process_output)
    set_aside = workdir / "set-aside"
    python = sys.executable
    plain = _plain_command(workdir / "plain.py", content, plain_output)
    plain_empty = _plain_command(workdir / "plain-empty.py", empty, plain_empty_output)

    def nashra(*options, output=nashra_output, folder=content):
        return [python, "-m", "invoke", "-r", str(project), "build", "--content", str(folder),
                "--output", str(output), "--no-search", *options]

    figures = {"plain": [], "cold": [], "cold_one_process": [], "edited": [], "search": [],
               "plain_empty": [], "cold_empty": []}
    edited = content / "articles" / "article-00000.ar.md"
    original = edited.read_text("utf-8")

    def one_round(number, memory=False):
        """Each build from the same state: no output and no cache for the cold
        ones, the output and cache of a build of the unedited corpus for the edit."""
        for output in timed_outputs:
            if output.exists():
                output.rename(set_aside / f"{output.name}-{number}")
        yield "plain", measure(plain, memory=memory)
        yield "cold", measure(nashra("--no-cache"), memory=memory)
        # The same cold build in the build's process alone: what the second
        # process costs in memory, and what it saves in time.
        yield "cold_one_process", measure(
            nashra("--no-cache", "--processes", "1", output=one_process_output), memory=memory)
        yield "plain_empty", measure(plain_empty, memory=memory)
        yield "cold_empty", measure(nashra("--no-cache", output=nashra_empty_output, folder=empty),
                                    memory=memory)
        edited.write_text(original.replace("\n\n", f"\n\nتعديل {number}. ", 1), "utf-8")
        try:
            yield "edited", measure(nashra(output=edited_output), memory=memory)
        finally:
            edited.write_text(original, "utf-8")
        # Untimed: back to the unedited corpus's output, for the next round's
        # edit (it replaces the few files this edit changed).
        measure(nashra(output=edited_output))

    shutil.rmtree(set_aside, ignore_errors=True)  # left by a run that was stopped
    for output in timed_outputs:
        shutil.rmtree(output, ignore_errors=True)
    set_aside.mkdir()
    # The edited output may be another corpus's (the previous size's): its
    # update replaces most of it, so it is made before the wait, not in the
    # first round.
    measure(nashra(output=edited_output))
    os.sync()
    time.sleep(settle)
    try:
        for number in range(runs):
            for name, (seconds, _) in one_round(number):
                figures[name].append(seconds)
            started = time.perf_counter()
            subprocess.run([python, "-m", "pagefind", "--site", str(nashra_output), "--silent"],
                           check=True)
            figures["search"].append(time.perf_counter() - started)
        sampled = dict(one_round(runs, memory=True))
    finally:
        shutil.rmtree(set_aside, ignore_errors=True)
    return {**_summary(pairs, runs, figures, sampled, nashra_output), "settle_seconds": settle}


def _plain_command(settings_file, content, output):
    """The command that builds `content` with plain Pelican, its settings written to `settings_file`."""
    settings_file.write_text(PLAIN_SETTINGS.format(
        content=str(content), output=str(output),
        theme=str(Path(pelican.__file__).parent / "themes" / "simple")), "utf-8")
    return [sys.executable, "-m", "pelican", "-s", str(settings_file), "-q"]


def _compile_bytecode(project):
    """Compile Nashra's modules (and tasks.py) to bytecode, as pip compiled plain
    Pelican's when it installed them: where PYTHONDONTWRITEBYTECODE is set, every
    Nashra build would otherwise compile them again, and plain Pelican never does."""
    compileall.compile_dir(Path(project) / "plugins", quiet=1)
    compileall.compile_file(Path(project) / "tasks.py", quiet=1)


def _summary(pairs, runs, figures, sampled, output):
    """`sampled`: each build's (seconds, peak MB) in the round that sampled
    memory. Its seconds are kept beside the peak: a sampled build much slower
    than the timed ones did more than they did (rendered the whole site, say),
    and its peak is not theirs."""
    def stats(name):
        seconds = figures[name]
        sampled_seconds, peak = sampled.get(name, (0.0, 0.0))
        return {**_median_and_range(seconds), "peak_mb": round(peak, 1),
                "sampled_seconds": round(sampled_seconds, 3),
                "seconds": [round(value, 3) for value in seconds]}

    result = {"pairs": pairs, "runs": runs, "machine": _machine(),
              "date": time.strftime("%Y-%m-%d"), **{name: stats(name) for name in figures}}
    plain = result["plain"]["median"]
    result["ratios"] = {name: round(result[name]["median"] / plain, 3)
                        for name in ("cold", "cold_one_process", "edited")}
    # Each round's build over plain Pelican's of the same round: a machine
    # that slows for a while slows both, where the medians' ratio may take a
    # slow round's build against another round's plain Pelican.
    result["paired_ratios"] = {name: _median_and_range([build / base for build, base in
                                                    zip(figures[name], figures["plain"])])
                               for name in ("cold", "cold_one_process", "edited")}
    result["memory_ratios"] = {name: round(result[name]["peak_mb"] / result["plain"]["peak_mb"], 2)
                               for name in ("cold", "cold_one_process")}
    result["memory_ratio"] = result["memory_ratios"]["cold"]
    files = 2 * pairs
    # Per article file, the build's time over its files: a cost every build
    # pays whatever the archive's size (starting Python, imports, the theme,
    # the registries) weighs on it the more the fewer the files. Per article,
    # each round's build less its build of the same site with no articles:
    # what the articles themselves cost.
    result["per_file_ms"] = {build: round(1000 * result[build]["median"] / files, 3)
                             for build in ("cold", "plain")}
    result["per_article_ms"] = {
        build: round(1000 * statistics.median(
            full - empty for full, empty in zip(figures[build], figures[f"{build}_empty"])) / files, 3)
        for build in ("cold", "plain")}
    article = next((output / "articles").rglob("index.html"))
    result["sizes"] = {"article_html": article.stat().st_size,
                       "stylesheet": (output / "theme" / "css" / "nashra.css").stat().st_size}
    return result


def _unusual_samples(result, slack=1.5):
    """The builds whose run that sampled memory took more than `slack` times
    their slowest timed run."""
    return [name for name in ("plain", "cold", "cold_one_process", "edited")
            if result[name]["sampled_seconds"] > slack * result[name]["max"]]


def _median_and_range(values):
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


def _machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                  if line.startswith("model name")), "unknown")
    return f"{os.cpu_count()} cores, {model}, Python {sys.version.split()[0]}, Pelican {pelican.__version__}"


def report(result):
    lines = [f"{result['pairs']} article pairs, {result['runs']} runs each — {result['machine']}",
             f"{'build':28} {'median s':>9} {'min-max s':>13} {'vs plain':>9} {'peak MB':>8}"]
    names = {"plain": "plain Pelican (cold)", "cold": "Nashra, cold (--no-cache)",
             "cold_one_process": "Nashra, cold, one process", "edited": "Nashra, one article edited",
             "search": "search index (Pagefind)"}
    for key, label in names.items():
        figure = result[key]
        ratio = result["ratios"].get(key, 1.0 if key == "plain" else None)
        lines.append(f"{label:28} {figure['median']:9.2f} {figure['min']:6.2f}-{figure['max']:<6.2f} "
                     f"{'' if ratio is None else f'{ratio:.2f}':>9} "
                     f"{figure['peak_mb'] if key != 'search' else '':>8}")
    paired = result["paired_ratios"]
    lines.append("round by round, vs plain Pelican's build of the same round, median (min-max): "
                 + ", ".join(f"{label} {paired[key]['median']:.2f} ({paired[key]['min']:.2f}-"
                             f"{paired[key]['max']:.2f})"
                             for key, label in (("cold", "cold"), ("cold_one_process", "one process"),
                                                ("edited", "edited"))))
    lines.append(f"memory: Nashra's peak is {result['memory_ratio']}x plain Pelican's "
                 f"({result['memory_ratios']['cold_one_process']}x in one process)")
    for key in _unusual_samples(result):
        figure = result[key]
        lines.append(f"memory: {names[key]} was sampled in a build of {figure['sampled_seconds']:.2f} s "
                     f"(timed {figure['min']:.2f}-{figure['max']:.2f} s): its peak may not be a timed "
                     f"build's")
    lines.append(f"the same site with no articles, cold: Nashra {result['cold_empty']['median']:.2f} s, "
                 f"plain Pelican {result['plain_empty']['median']:.2f} s; "
                 f"per article file, cold: {result['per_file_ms']['cold']} ms "
                 f"({result['per_file_ms']['plain']} ms plain), or "
                 f"{result['per_article_ms']['cold']} ms ({result['per_article_ms']['plain']} ms "
                 f"plain) less the build with no articles")
    lines.append(f"sizes: an article page {result['sizes']['article_html']:,} bytes, the stylesheet "
                 f"{result['sizes']['stylesheet']:,} bytes")
    lines.append(f"the run waited {result.get('settle_seconds', 0):.0f} s before its first round, and "
                 f"deleted nothing while it timed (outputs set aside, deleted at its end)")
    return "\n".join(lines)


def scaling(results):
    """How the cost of a cold build grows with the archive, from bench results
    at several sizes, for Nashra and for plain Pelican, with the spread of each
    (the largest over the smallest, less one):
    - per article file: the build's time over its files, where a fixed cost
      weighs more the fewer the files;
    - per added file: the difference between two sizes over the files added,
      what the archive's growth costs;
    - per article: each size's build less the build of the same site with no
      articles, over the files; what the articles cost, measured at each size.
    A page, feed or calendar whose cost grew with the square of the archive
    would show as a growing cost per added file and per article."""
    figures = _growth([(result["pairs"], {name: result[name]["median"] for name in ("cold", "plain")})
                       for result in results],
                      scale=1000, totals="seconds", per_file="per_file_ms",
                      per_added_file="per_added_file_ms")
    by_size = {result["pairs"]: result for result in results}
    for row in figures["sizes"]:
        row["ratio"] = by_size[row["pairs"]]["ratios"]["cold"]
        row["per_article_ms"] = by_size[row["pairs"]]["per_article_ms"]
    figures["spread"]["per_article_ms"] = {
        name: _spread([row["per_article_ms"][name] for row in figures["sizes"]])
        for name in ("cold", "plain")}
    return figures


def work_scaling(profiles):
    """How the work of a cold build grows with the archive, counted in Python
    function calls under cProfile: per article pair and per added pair, and
    the spread of each. Unlike seconds, a count does not move with the
    machine's speed or with what else it runs, so it can tell a cost that
    grows faster than the archive from noise."""
    return _growth([(result["pairs"], {name: result[name]["calls"] for name in ("nashra", "plain")})
                    for result in profiles],
                   scale=2,  # per pair: two files
                   totals="calls", per_file="calls_per_pair", per_added_file="calls_per_added_pair")


def _growth(points, scale, totals, per_file, per_added_file):
    """From [(pairs, {build: total})] at several sizes: each size's totals
    and total per file, each step's cost per added file (both times `scale`),
    and the spread of both across the sizes, under the given names."""
    sizes = []
    for pairs, values in sorted(points, key=lambda point: point[0]):
        files = 2 * pairs
        sizes.append({"pairs": pairs, "files": files, totals: values,
                      per_file: {name: round(scale * value / files, 3)
                                 for name, value in values.items()}})
    builds = list(points[0][1])
    steps = [{"from": smaller["pairs"], "to": larger["pairs"],
              per_added_file: {name: round(scale * (larger[totals][name] - smaller[totals][name])
                                           / (larger["files"] - smaller["files"]), 3)
                               for name in builds}}
             for smaller, larger in itertools.pairwise(sizes)]
    spread = {measure: {name: _spread([row[measure][name] for row in rows]) for name in builds}
              for measure, rows in ((per_file, sizes), (per_added_file, steps))}
    return {"sizes": sizes, "steps": steps, "spread": spread}


def _spread(values):
    return round(max(values) / min(values) - 1, 3) if values and min(values) > 0 else None


def scaling_report(figures):
    lines = ["How the cost grows (cold builds, medians; plain Pelican in brackets):",
             f"{'pairs':>6} {'Nashra s':>9} {'vs plain':>9} {'ms per file':>20} "
             f"{'ms per article (less the site with no articles)':>48}"]
    for row in figures["sizes"]:
        per_file, per_article = row["per_file_ms"], row["per_article_ms"]
        lines.append(f"{row['pairs']:>6} {row['seconds']['cold']:9.2f} {row['ratio']:9.2f} "
                     f"{per_file['cold']:9.2f} ({per_file['plain']:.2f}) "
                     f"{per_article['cold']:36.2f} ({per_article['plain']:.2f})")
    for step in figures["steps"]:
        added = step["per_added_file_ms"]
        lines.append(f"each file added from {step['from']} to {step['to']} pairs: "
                     f"{added['cold']:.2f} ms ({added['plain']:.2f})")
    for measure, label in (("per_file_ms", "per file"), ("per_added_file_ms", "per added file"),
                           ("per_article_ms", "per article")):
        spread = figures["spread"][measure]
        lines.append(f"spread of the cost {label}: {_percent(spread['cold'])} "
                     f"({_percent(spread['plain'])})")
    return "\n".join(lines)


def work_scaling_report(figures):
    lines = ["How the work grows (Python function calls in a cold build, under cProfile; "
             "plain Pelican in brackets):",
             f"{'pairs':>6} {'calls per pair':>28}"]
    for row in figures["sizes"]:
        per_pair = row["calls_per_pair"]
        lines.append(f"{row['pairs']:>6} {per_pair['nashra']:14,.0f} ({per_pair['plain']:,.0f})")
    for step in figures["steps"]:
        added = step["calls_per_added_pair"]
        lines.append(f"each pair added from {step['from']} to {step['to']} pairs: "
                     f"{added['nashra']:,.0f} calls ({added['plain']:,.0f})")
    for measure, label in (("calls_per_pair", "per pair"),
                           ("calls_per_added_pair", "per added pair")):
        spread = figures["spread"][measure]
        lines.append(f"spread of the calls {label}: {_percent(spread['nashra'])} "
                     f"({_percent(spread['plain'])})")
    return "\n".join(lines)


def _percent(spread):
    # None: a cost of zero or less, as timings of a tiny corpus can give.
    return "n/a" if spread is None else f"{spread:.0%}"


def write_json(result, path):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(result, indent=1), encoding="utf-8")


# -- profile ----------------------------------------------------------------------

# Where the time of a build goes, by the file each function is defined in (or,
# for a function written in C, its name): the first area that matches. "other"
# is what no area claims: imports, compiling templates, Python's start.
PROFILE_AREAS = (
    ("Markdown", ("/markdown/",)),
    ("typography (typogrify, smartypants)", ("/typogrify/", "smartypants")),
    ("sanitising (nh3)", ("nh3",)),
    ("HTML parsing (script isolation, verification)", ("/html/parser.py", "nashra/text.py")),
    ("Jinja rendering", ("/jinja2/", "/markupsafe/", "/templates/", "/babel/", "gettext")),
    ("iCalendar", ("/icalendar/",)),
    ("feeds", ("/feedgenerator/",)),
    ("files and folders", ("io.open", "posix.", "_io.", "shutil")),
    ("Pelican", ("/pelican/",)),
    ("Nashra", ("/nashra/",)),
)


def profile(project, pairs, workdir):
    """One cold build each of plain Pelican and of Nashra (in one process, so
    that the profile sees all of it) under cProfile: the share of the time by
    area, and the functions that take most of it."""
    workdir = Path(workdir)
    content = make_corpus(workdir / f"corpus-{pairs}", pairs, Path(project) / "content")
    plain_settings = workdir / "plain.py"
    plain_settings.write_text(PLAIN_SETTINGS.format(
        content=str(content), output=str(workdir / "plain-output"),
        theme=str(Path(pelican.__file__).parent / "themes" / "simple")), "utf-8")
    environment = {**os.environ, "PYTHONPATH": str(Path(project) / "plugins")}
    result = {"pairs": pairs, "machine": _machine(), "date": time.strftime("%Y-%m-%d")}
    for name, arguments in (("plain", [str(plain_settings)]),
                            ("nashra", [str(Path(project) / "pelicanconf.py"), str(content),
                                        str(workdir / "nashra-output")])):
        figures = workdir / f"profile-{name}.json"
        shutil.rmtree(workdir / f"{name}-output", ignore_errors=True)
        done = subprocess.run([sys.executable, "-m", "nashra.benchmark", name, str(figures),
                               *arguments], env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"profiling the {name} build failed:\n{done.stderr[-2000:]}")
        result[name] = json.loads(figures.read_text("utf-8"))
    return result


def _profile_build(name, figures, arguments):
    """Profile one build in this process (each in a process of its own: the
    Nashra plugin, once registered, would join a plain build)."""
    if name == "plain":
        from pelican.settings import read_settings  # noqa: PLC0415

        def run():
            pelican.Pelican(read_settings(arguments[0])).run()
    else:
        from .build import build  # noqa: PLC0415

        def run():
            build(arguments[0], arguments[1], arguments[2],
                  {"BUILD_CACHE": False, "SEARCH_INDEX": False, "BUILD_PROCESSES": 1})
    profiler = cProfile.Profile()
    profiler.runcall(run)
    Path(figures).write_text(json.dumps(_profile_figures(pstats.Stats(profiler))), "utf-8")


def _profile_figures(stats, top=12):
    """Own time by area. A function of no area (Python's own: regular
    expressions, built-ins, the standard library) passes its time on to its
    callers, in proportion to what each spent calling it."""
    where = {function: f"{function[0]}:{function[2]}" for function in stats.stats}
    areas, pending = {}, {}
    for function, (_, _, seconds, _, _) in stats.stats.items():
        pending[function] = pending.get(function, 0.0) + seconds
    for _ in range(20):  # call chains of area-less functions are short
        passed_on = {}
        for function, seconds in pending.items():
            area = _area(where[function])
            callers = stats.stats[function][4]
            shares = sum(entry[2] for entry in callers.values())
            if area or not shares:
                areas[area or "other"] = areas.get(area or "other", 0.0) + seconds
                continue
            for caller, entry in callers.items():
                passed_on[caller] = passed_on.get(caller, 0.0) + seconds * entry[2] / shares
        pending = passed_on
    areas["other"] = areas.get("other", 0.0) + sum(pending.values())
    total = sum(areas.values())
    own = sorted(((where[function], entry[2]) for function, entry in stats.stats.items()),
                 key=lambda item: -item[1])[:top]
    return {"seconds": round(total, 2), "calls": stats.total_calls,
            "areas": {area: round(seconds / total, 3) for area, seconds in
                      sorted(areas.items(), key=lambda item: -item[1])},
            "functions": [[_short(name), round(seconds, 3)] for name, seconds in own]}


def _area(where):
    if "nashra/benchmark.py" in where:
        return "other"  # the profile's own root
    return next((area for area, marks in PROFILE_AREAS if any(mark in where for mark in marks)),
                None)


def _short(where):
    for marker in ("site-packages/", "/plugins/", "/lib/python3"):
        if marker in where:
            return where.split(marker, 1)[1]
    return where


def profile_report(result):
    lines = [f"{result['pairs']} article pairs, one cold build each, in one process under "
             f"cProfile — {result['machine']}"]
    for name, label in (("plain", "plain Pelican"), ("nashra", "Nashra (BUILD_PROCESSES=1)")):
        figures = result[name]
        lines.append(f"\n{label}: {figures['seconds']:.2f} s of profiled time, "
                     f"{figures['calls']:,} function calls")
        lines += [f"  {share:6.1%}  {area}" for area, share in figures["areas"].items()]
        lines.append("  most own time:")
        lines += [f"    {seconds:7.3f} s  {where}" for where, seconds in figures["functions"]]
    return "\n".join(lines)


if __name__ == "__main__":
    _profile_build(sys.argv[1], sys.argv[2], sys.argv[3:])
