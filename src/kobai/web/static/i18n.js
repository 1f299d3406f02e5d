// The page's words in its language: the server sends the catalogue's messages with /api/meta
// (kobai.i18n is the one source); index.html keeps the English text for the first paint.

export const LANGUAGES = ["en", "ja"];

let messages = {};
let current = "en";

export function currentLang() {
  return current;
}

// The language a URL asks for: a known one, else English (anything else is ignored).
export function readLang(value) {
  return LANGUAGES.includes(value) ? value : "en";
}

// The language the server words its error answers in: the page's, known from its URL before
// the first request (a prefetch included) goes out.
let answers = "en";

export function answerIn(lang) {
  answers = readLang(lang);
}

// `url` asking the server to answer in the page's language (English is its default).
export function withLang(url) {
  if (answers === "en" || /[?&]lang=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}lang=${answers}`;
}

export function setMessages(lang, given) {
  messages = given || {};
  current = lang;
  document.documentElement.lang = lang;
  translatePage(document);
}

// The message `key` with `{name}` fields filled in; the key itself if the catalogue lacks it.
export function tr(key, fields = {}) {
  const text = messages[key];
  if (text === undefined) return key;
  return text.replace(/\{([a-z_]+)\}/g, (whole, name) => (name in fields ? String(fields[name]) : whole));
}

// The message `key` when the catalogue has it, else `fallback` (a server-side text).
export function trOr(key, fallback) {
  return key in messages ? messages[key] : fallback;
}

// Elements name their messages: data-i18n (text), data-i18n-title, data-i18n-aria (aria-label).
export function translatePage(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = tr(node.dataset.i18n, fieldsOf(node));
  for (const node of root.querySelectorAll("[data-i18n-title]")) node.title = tr(node.dataset.i18nTitle);
  for (const node of root.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", tr(node.dataset.i18nAria));
}

function fieldsOf(node) {
  return node.dataset.n === undefined ? {} : { n: node.dataset.n };
}
