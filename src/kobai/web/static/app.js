// The playground page: reads the URL, builds both views, keeps the URL in step with them.

import { BackpropView } from "./backprop.js";
import { NetworkView } from "./network.js";
import { RaceView } from "./surface.js";
import { answerIn, readLang, setMessages, tr } from "./i18n.js";
import { api, bpQuery, netQuery, pageUrl, prefetch, raceQuery, readUrl, surfaceQuery } from "./state.js";

const $ = (id) => document.getElementById(id);

class App {
  constructor(meta, initial) {
    this.meta = meta;
    this.view = initial.view;
    this.state = initial;
    this.firstPaint = null;
    this.race = new RaceView(meta, initial.race, this);
    this.network = new NetworkView(meta, initial.net, this);
    this.backprop = new BackpropView(meta, initial.bp, this);
    this.loaded = { race: false, network: false, backprop: false };
    for (const tab of document.querySelectorAll("[data-view]")) {
      tab.addEventListener("click", () => this.show(tab.dataset.view));
    }
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === initial.lang));
      button.addEventListener("click", () => this.switchLanguage(button.dataset.lang));
    }
    $("copy-link").addEventListener("click", () => this.copy(location.href, tr("web.copied_link")));
    $("copy-python").addEventListener("click", () => this.copyPython());
    window.addEventListener("resize", () => this.redraw());
  }

  show(view) {
    this.view = view;
    for (const tab of document.querySelectorAll("[data-view]")) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
    $("view-race").classList.toggle("hidden", view !== "race");
    $("view-network").classList.toggle("hidden", view !== "network");
    $("view-backprop").classList.toggle("hidden", view !== "backprop");
    if (view !== "network") this.network.pause();
    if (view !== "race") this.race.pause();
    this.writeUrl();
    if (!this.loaded[view]) {
      this.loaded[view] = true;
      if (view === "race") this.race.load();
      else if (view === "network") this.network.load();
      else this.backprop.load();
    } else {
      this.redraw();
    }
  }

  redraw() {
    if (this.view === "race") this.race.draw();
    else if (this.view === "network") this.network.dirty = true;
    else this.backprop.draw();
  }

  writeUrl() {
    history.replaceState(null, "", this.url(this.state.lang));
  }

  url(lang) {
    return pageUrl(this.view, this.state.race, this.state.net, this.state.bp, lang);
  }

  // Another language: the same view, settings and step, loaded again with its words.
  switchLanguage(lang) {
    if (readLang(lang) === this.state.lang) return;
    this.race.pause();
    this.network.pause();
    location.assign(this.url(readLang(lang)));
  }

  painted() {
    if (this.firstPaint === null) {
      this.firstPaint = performance.now();
      document.body.dataset.firstPaint = this.firstPaint.toFixed(1);
    }
  }

  error(message) {
    const status = $("status");
    status.classList.add("error");
    status.textContent = `⚠ ${message}`;
  }

  async copyPython() {
    const q = this.view === "race" ? raceQuery(this.state.race) : this.view === "network" ? netQuery(this.state.net) : bpQuery(this.state.bp);
    q.set("view", this.view);
    if (this.view === "network") q.set("at", String(this.state.net.at));
    try {
      const code = await api("/api/python", q);
      this.copy(code, tr("web.copied_python"));
      document.body.dataset.python = code;
    } catch (err) {
      this.error(err.message);
    }
  }

  async copy(text, note) {
    try {
      await navigator.clipboard.writeText(text);
      this.toast(note);
    } catch {
      this.toast(tr("web.copy_blocked"));
      console.log(text);
    }
  }

  toast(text) {
    const t = $("toast");
    t.textContent = text;
    t.classList.remove("hidden");
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => t.classList.add("hidden"), 2600);
  }
}

async function main() {
  document.body.dataset.started = performance.now().toFixed(1);
  const initial = readUrl(location.search);
  answerIn(initial.lang);
  if (initial.view === "race") {
    // The first picture needs no metadata: ask for it while /api/meta loads.
    prefetch("/api/surface", surfaceQuery(initial.race));
    if (initial.race.mode === "instant") prefetch("/api/descend", raceQuery(initial.race));
  }
  try {
    const meta = await api("/api/meta", new URLSearchParams({ lang: initial.lang }));
    setMessages(meta.lang, meta.messages);
    const app = new App(meta, initial);
    window.kobaiPlayground = app;
    app.show(initial.view);
  } catch (err) {
    $("status").textContent = `⚠ ${err.message}`;
  }
}

main();
