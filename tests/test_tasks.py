"""The Invoke tasks, run the way editors run them."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SETTINGS, article, write_files

TASKS = ("build", "check", "new", "serve", "livereload", "test", "translations", "publish",
         "lock", "clean", "bench")


def invoke(*args, check=False):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True,
                          text=True, check=check, timeout=300)


def test_every_task_is_listed_with_a_description():
    listing = invoke("--list", check=True).stdout
    for name in TASKS:
        line = next(line for line in listing.splitlines() if line.split()[:1] == [name])
        assert len(line.split()) > 3, line


def test_check_prints_each_problem_and_fails(content_dir):
    write_files(content_dir, {"articles/x.ar.md": article("x", "ar", "عنوان", category="sport")})
    result = invoke("check", "--content", str(content_dir))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{content_dir / 'articles' / 'x.ar.md'}:5: unknown category 'sport' "
        "(add it to data/categories.yaml)"]
    assert "1 problem(s) found." in result.stderr


def test_build_takes_no_flag_that_invoke_made_up():
    """`--` must keep its meaning (end of options), not stand for --no-search."""
    options = [line.split()[0].rstrip(",") for line in invoke("--help", "build", check=True)
               .stdout.splitlines() if line.startswith("  -")]
    assert "--no-search" in options and "--" not in options


def test_live_preview_can_skip_the_search_index():
    assert "--no-search" in invoke("--help", "livereload", check=True).stdout


def test_check_passes_on_the_sample_content():
    result = invoke("check")
    assert (result.returncode, result.stdout.strip()) == (0, "The content is in order.")


def test_new_then_check_then_build(content_dir, tmp_path):
    invoke("new", "--slug", "forum-2026", "--title-ar", "ملتقى", "--title-en", "Forum",
           "--date", "2026-03", "--content", str(content_dir), check=True)
    assert sorted(p.name for p in (content_dir / "articles").iterdir()) == [
        "forum-2026.ar.md", "forum-2026.en.md"]
    assert invoke("check", "--content", str(content_dir)).returncode == 0
    again = invoke("new", "--slug", "forum-2026", "--title-ar", "أ", "--title-en", "A",
                   "--content", str(content_dir))
    assert again.returncode == 1 and "already exists" in again.stderr
    output = tmp_path / "site"
    built = invoke("build", "--content", str(content_dir), "--output", str(output), check=True)
    assert "Built" in built.stdout
    assert (output / "en" / "drafts" / "forum-2026" / "index.html").is_file()


def test_build_takes_the_number_of_processes(content_dir, tmp_path):
    """--processes 1 builds the same site; a number that cannot be one fails
    with the setting's explanation, and nothing is built."""
    write_files(content_dir, {"articles/x.ar.md": article("x", "ar", "عنوان"),
                              "articles/x.en.md": article("x", "en", "Title")})
    sites = {}
    for processes in ("1", "2"):
        sites[processes] = tmp_path / f"site-{processes}"
        invoke("build", "--content", str(content_dir), "--output", str(sites[processes]),
               "--no-cache", "--no-search", "--processes", processes, check=True)
    assert _files(sites["1"]) == _files(sites["2"])
    for wrong in ("0", "many"):
        failed = invoke("build", "--content", str(content_dir), "--output", str(tmp_path / wrong),
                        "--no-search", "--processes", wrong)
        assert failed.returncode == 1
        assert f"BUILD_PROCESSES is {int(wrong) if wrong.isdigit() else wrong!r}" in failed.stderr
        assert not (tmp_path / wrong).exists()


def _files(root):
    return {path.relative_to(root): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_the_build_runs_in_a_process_free_of_invoke(content_dir, tmp_path):
    """`invoke build` hands over to a fresh Python: the task runner's modules are
    in none of the build's processes (settings files run in the build's process)."""
    seen = tmp_path / "modules-seen-by-the-build.json"
    settings = tmp_path / "settings.py"
    settings.write_text(textwrap.dedent(f"""\
        import json, runpy, sys
        globals().update({{name: value for name, value in runpy.run_path({str(SETTINGS)!r}).items()
                          if name.isupper()}})
        THEME = {str(ROOT / "theme")!r}
        PLUGIN_PATHS = [{str(ROOT / "plugins")!r}]
        with open({str(seen)!r}, "w") as stream:
            json.dump(sorted(name for name in sys.modules if name.split(".")[0] == "invoke"), stream)
        """), encoding="utf-8")
    write_files(content_dir, {"articles/x.ar.md": article("x", "ar", "عنوان"),
                              "articles/x.en.md": article("x", "en", "Title")})
    built = invoke("build", "--settings", str(settings), "--content", str(content_dir),
                   "--output", str(tmp_path / "site"), "--no-search", check=True)
    assert "Built" in built.stdout
    assert json.loads(seen.read_text(encoding="utf-8")) == []
    assert (tmp_path / "site" / "en" / "articles" / "x" / "index.html").is_file()


def test_a_failed_build_says_so_and_exits_non_zero(content_dir, tmp_path):
    write_files(content_dir, {"articles/x.ar.md": article("x", "ar", "عنوان", date="2025-02-30")})
    result = invoke("build", "--content", str(content_dir), "--output", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "'2025-02-30' is not a real date" in result.stderr
    assert "the previous output was left as it was" in result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_serves_clean_urls(sample_site):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port),
                               "--output", str(sample_site.output)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/about/", timeout=2) as response:
                    assert response.status == 200
                    page = BeautifulSoup(response.read(), "html5lib")
                assert page.find("html")["lang"] == "en"
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_publish_with_rsync_deploys_the_verified_tree(tmp_path):
    from browser import require

    require("rsync", "rsync")
    target = tmp_path / "server"
    target.mkdir()
    (target / "stale.html").write_text("old", encoding="utf-8")
    result = invoke("publish", "--target", f"{target}/", "--output", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((target / "en" / "index.html").read_text(encoding="utf-8"), "html5lib")
    assert page.find("link", rel="canonical")["href"] == "https://nashra.example/en/"
    assert not (target / "stale.html").exists()  # the server holds exactly the new tree


def test_a_failed_build_publishes_nothing(content_dir, tmp_path):
    from browser import require

    require("rsync", "rsync")
    write_files(content_dir, {"articles/x.ar.md": article("x", "ar", "عنوان", date="2025-02-30")})
    target = tmp_path / "server"
    target.mkdir()
    (target / "index.html").write_text("the site as it was", encoding="utf-8")
    result = invoke("publish", "--target", f"{target}/", "--content", str(content_dir),
                    "--output", str(tmp_path / "site"))
    assert result.returncode == 1 and "Nothing was published." in result.stderr
    assert [p.name for p in target.iterdir()] == ["index.html"]
    assert (target / "index.html").read_text(encoding="utf-8") == "the site as it was"


def test_publish_to_github_pages_commits_the_tree_to_gh_pages(tmp_path):
    repository = tmp_path / "repository"
    repository.mkdir()
    git = ["git", "-C", str(repository)]
    subprocess.run(git + ["init", "-q"], check=True)
    for key, value in (("user.name", "Nashra tests"), ("user.email", "tests@nashra.example")):
        subprocess.run(git + ["config", key, value], check=True)  # CI may have no identity
    result = subprocess.run([sys.executable, "-m", "invoke", "-r", str(ROOT), "publish", "--to",
                             "github", "--no-push", "--output", str(tmp_path / "site")],
                            cwd=repository, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    files = subprocess.run(git + ["ls-tree", "-r", "--name-only", "gh-pages"], check=True,
                           capture_output=True, text=True).stdout.split()
    assert ".nojekyll" in files and "index.html" in files and "en/feeds/all.atom.xml" in files


def test_bench_profiles_where_the_time_goes_and_counts_the_work(tmp_path):
    result = invoke("bench", "--pairs", "2,4", "--profile", "--workdir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    profiles = [json.loads((tmp_path / f"profile-{size}.json").read_text(encoding="utf-8"))
                for size in (2, 4)]
    figures = profiles[1]
    for build in ("plain", "nashra"):
        areas = figures[build]["areas"]
        assert abs(sum(areas.values()) - 1) < 0.01 and areas["Markdown"] > 0, areas
        assert figures[build]["seconds"] > 0 and len(figures[build]["functions"]) == 12
    assert figures["nashra"]["areas"]["iCalendar"] > 0 and "iCalendar" not in figures["plain"]["areas"]
    assert "Nashra (BUILD_PROCESSES=1)" in result.stdout
    # Two sizes: the calls each build made, per pair and per added pair.
    work = json.loads((tmp_path / "work-scaling-2-4.json").read_text(encoding="utf-8"))
    assert [row["pairs"] for row in work["sizes"]] == [2, 4]
    [step] = work["steps"]
    for build in ("plain", "nashra"):
        calls = [profile[build]["calls"] for profile in profiles]
        assert calls[1] > calls[0] > 0, calls
        assert work["sizes"][1]["calls_per_pair"][build] == round(calls[1] / 4, 3)
        assert step["calls_per_added_pair"][build] == round((calls[1] - calls[0]) / 2, 3)
    assert "How the work grows" in result.stdout


def test_bench_runs_on_a_tiny_corpus_and_reports_every_figure(tmp_path):
    """The harness, not the timings: a benchmark is not a test."""
    result = invoke("bench", "--pairs", "2,3", "--runs", "1", "--settle", "0",
                    "--workdir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    # Two sizes: each reported and saved, then how the cost grows between them.
    smaller, larger = (json.loads((tmp_path / f"bench-{size}.json").read_text(encoding="utf-8"))
                       for size in (2, 3))
    scaling = json.loads((tmp_path / "scaling-2-3.json").read_text(encoding="utf-8"))
    assert [row["pairs"] for row in scaling["sizes"]] == [2, 3]
    [step] = scaling["steps"]
    added = 1000 * (larger["cold"]["median"] - smaller["cold"]["median"]) / 2
    assert step["per_added_file_ms"]["cold"] == pytest.approx(added, abs=0.001)
    assert "each file added from 2 to 3 pairs" in result.stdout
    assert "plain Pelican (cold)" in result.stdout and "one article edited" in result.stdout
    assert "Nashra, cold, one process" in result.stdout
    figures = json.loads((tmp_path / "bench-3.json").read_text(encoding="utf-8"))
    for build in ("plain", "cold", "cold_one_process", "edited", "plain_empty", "cold_empty"):
        assert figures[build]["median"] > 0 and figures[build]["peak_mb"] > 0
        assert figures[build]["sampled_seconds"] > 0
    # Per article: each round's build less its build of the site with no articles.
    for build in ("cold", "plain"):
        [full], [empty] = figures[build]["seconds"], figures[f"{build}_empty"]["seconds"]
        # (from the seconds as saved, rounded to the millisecond)
        assert figures["per_article_ms"][build] == pytest.approx(1000 * (full - empty) / 6, abs=0.2)
        assert figures["per_file_ms"][build] == pytest.approx(1000 * figures[build]["median"] / 6,
                                                             abs=0.001)
    assert "the same site with no articles" in result.stdout
    assert len(list((tmp_path / "corpus-0" / "articles").glob("*.md"))) == 0
    assert set(figures["ratios"]) == {"cold", "cold_one_process", "edited"}
    # With one run, the round's own ratio is the medians' ratio.
    for build in ("cold", "cold_one_process", "edited"):
        [seconds], [plain] = figures[build]["seconds"], figures["plain"]["seconds"]
        assert figures["paired_ratios"][build]["median"] == pytest.approx(seconds / plain, rel=0.005)
    assert "round by round" in result.stdout
    assert set(figures["memory_ratios"]) == {"cold", "cold_one_process"}
    assert figures["memory_ratio"] == figures["memory_ratios"]["cold"]
    assert 0 < figures["sizes"]["article_html"] and 0 < figures["sizes"]["stylesheet"]
    # The corpus follows the content model: the check finds nothing wrong in it.
    check = invoke("check", "--content", str(tmp_path / "corpus-3"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(list((tmp_path / "corpus-3" / "articles").glob("*.md"))) == 6



def test_a_build_sampled_for_memory_much_slower_than_its_timed_ones_is_named():
    """Sampling memory runs each build once more; if that run did more work
    than the timed ones (a whole site rendered again), its peak is not theirs."""
    from nashra import benchmark  # noqa: PLC0415

    usual = {"max": 2.0, "sampled_seconds": 2.2}
    result = {"plain": usual, "cold": usual, "cold_one_process": usual,
              "edited": {"max": 2.0, "sampled_seconds": 6.5}}
    assert benchmark._unusual_samples(result) == ["edited"]
    result["edited"]["sampled_seconds"] = 2.9
    assert benchmark._unusual_samples(result) == []


def test_the_cost_per_file_and_per_added_file_across_sizes():
    from nashra import benchmark  # noqa: PLC0415

    def result(pairs, cold, plain, per_article):
        return {"pairs": pairs, "cold": {"median": cold}, "plain": {"median": plain},
                "ratios": {"cold": round(cold / plain, 3)}, "per_article_ms": per_article}

    # A fixed 0.5 s and 2 ms a file for Nashra; 5 ms a file for plain Pelican.
    # Less the site with no articles, the 250-pair builds cost a little more per article.
    figures = benchmark.scaling([result(1000, 0.5 + 4.0, 10.0, {"cold": 2.0, "plain": 5.0}),
                                 result(250, 0.5 + 1.0, 2.5, {"cold": 2.2, "plain": 5.5}),
                                 result(4000, 0.5 + 16.0, 40.0, {"cold": 2.0, "plain": 5.0})])
    assert [row["pairs"] for row in figures["sizes"]] == [250, 1000, 4000]
    assert [row["per_file_ms"]["cold"] for row in figures["sizes"]] == [3.0, 2.25, 2.062]
    assert [row["per_article_ms"]["cold"] for row in figures["sizes"]] == [2.2, 2.0, 2.0]
    assert [step["per_added_file_ms"] for step in figures["steps"]] == [
        {"cold": 2.0, "plain": 5.0}, {"cold": 2.0, "plain": 5.0}]
    assert figures["spread"] == {"per_file_ms": {"cold": 0.455, "plain": 0.0},
                                 "per_added_file_ms": {"cold": 0.0, "plain": 0.0},
                                 "per_article_ms": {"cold": 0.1, "plain": 0.1}}
    assert "spread of the cost per article: 10% (10%)" in benchmark.scaling_report(figures)

def test_memory_is_sampled_over_live_processes_only():
    """An ended process that is not reaped yet no longer shares its pages: the
    sample must not count it (nor count those pages twice)."""
    from nashra import benchmark  # noqa: PLC0415

    ended, alive = os.fork(), None
    if ended == 0:
        os._exit(0)
    try:
        alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        deadline = time.monotonic() + 10
        while _state(ended) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _state(ended) == "Z"
        tree = benchmark._tree(os.getpid())
        assert alive.pid in tree and ended not in tree and os.getpid() in tree
        assert benchmark._tree_rss(os.getpid()) > 0
    finally:
        os.waitpid(ended, 0)
        if alive:
            alive.kill()
            alive.wait()


def _state(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]
