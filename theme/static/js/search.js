// Nashra's search page: a small interface over Pagefind's JavaScript API.
//
// Every word it shows comes from the page (translated by the theme); results
// are built from text nodes, never from HTML strings. Pagefind loads with the
// page, so that the filters list what the index holds.

const form = document.querySelector("[data-search]");

// Harakat and tatweel carry no meaning for search; a conjunction attached to
// the article (والإفلا, فالمكتبة) hides the word from Pagefind's Arabic stemmer.
const HARAKAT = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
const CONJUNCTION_BEFORE_ARTICLE = /(^|\s)[وف](?=ال)/g;

export function normalise(query) {
  return query.replace(HARAKAT, "").replace(CONJUNCTION_BEFORE_ARTICLE, "$1").trim();
}

let pagefind;

async function load() {
  if (!pagefind) {
    pagefind = await import(form.dataset.pagefind);
    // No web worker: for an index this size it saves nothing, and costs 41 KB.
    await pagefind.options({ excerptLength: 30, noWorker: true });
    await fillFilters();
  }
  return pagefind;
}

async function fillFilters() {
  const available = await pagefind.filters();
  for (const select of form.querySelectorAll("[data-filter]")) {
    const values = Object.keys(available[select.dataset.filter] || {}).sort();
    for (const value of values) {
      select.append(new Option(value, value));
    }
  }
}

function chosenFilters() {
  const filters = {};
  for (const select of form.querySelectorAll("[data-filter]")) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

function countText(count) {
  const lang = document.documentElement.lang;
  const form_ = new Intl.PluralRules(lang).select(count);
  const number = new Intl.NumberFormat(lang, { numberingSystem: form.dataset.numbering }).format(count);
  return (form.dataset[`count${form_[0].toUpperCase()}${form_.slice(1)}`] || form.dataset.countOther)
    .replace("{n}", number);
}

// Pagefind's excerpt is text with <mark> around the words found: keep exactly that.
function excerpt(html) {
  const paragraph = document.createElement("p");
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function result(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  const heading = document.createElement("h2");
  heading.append(link);
  item.append(heading);
  if (data.meta.date) {
    const date = document.createElement("p");
    date.className = "meta";
    date.textContent = data.meta.date;
    item.append(date);
  }
  item.append(excerpt(data.excerpt));
  return item;
}

async function search() {
  const query = normalise(form.elements.q.value);
  const filters = chosenFilters();
  const results = form.querySelector("[data-results]");
  const count = form.querySelector("[data-count]");
  if (!query && !Object.keys(filters).length) {
    results.replaceChildren();
    count.textContent = "";
    return;
  }
  const api = await load();
  const order = form.querySelector("[data-sort]").value;
  const found = await api.debouncedSearch(query || null, {
    filters,
    sort: order ? { date: order } : undefined,
  }, 250);
  if (found === null) return; // a newer search replaced this one
  const data = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
  results.replaceChildren(...data.map(result));
  count.textContent = found.results.length ? countText(found.results.length) : form.dataset.nothing;
}

if (form) {
  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", search);
  form.addEventListener("change", search);
  load();
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    form.elements.q.value = initial;
    search();
  }
}
