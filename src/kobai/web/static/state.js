// Every setting of the page lives in its URL: the same URL reproduces the same numbers.
// The query names are the server's own, so a view's URL is also its API request.

import { readLang, withLang } from "./i18n.js";

export const PAGE_KEYS = ["view", "mode", "speed", "at", "lang"];

export function parseOpt(text) {
  const [name, ...items] = text.split(",");
  const hyper = {};
  for (const item of items) {
    const [key, value] = item.split("=");
    if (value === undefined) continue;
    hyper[key] = value.includes("/") ? value.split("/").map(Number) : Number(value);
  }
  return { name, hyper };
}

export function optText(opt) {
  const parts = [opt.name];
  for (const [key, value] of Object.entries(opt.hyper)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) parts.push(`${key}=${value.map(String).join("/")}`);
    else if (typeof value === "boolean") parts.push(`${key}=${value ? 1 : 0}`);
    else parts.push(`${key}=${String(value)}`);
  }
  return parts.join(",");
}

export function readUrl(search) {
  const given = new URLSearchParams(search);
  // A backprop link carries only its own parameters: the other views start from defaults.
  // The page's language belongs to every view; an unknown value means English.
  const lang = readLang(given.get("lang"));
  if (given.get("view") === "backprop") {
    return { ...readUrl(""), view: "backprop", bp: readBackprop(given), given, lang };
  }
  const view = given.get("view") === "network" ? "network" : "race";
  // A URL holds one view's settings; names such as opt, activation and noise mean different
  // things in the other view, which therefore starts from its own defaults.
  const none = new URLSearchParams();
  let q = view === "race" ? given : none;
  const race = {
    surface: q.get("surface") || "rosenbrock",
    expr: q.get("expr") || "",
    neuron: { activation: q.get("activation") || "sigmoid", noise: numberOr(q.get("noise"), 0.05) },
    opts: q.getAll("opt").map(parseOpt),
    start: q.has("start") ? q.get("start").split(",").map(Number) : null,
    steps: numberOr(q.get("steps"), 300),
    mode: q.get("mode") === "live" ? "live" : "instant",
    speed: q.get("speed") || "30,1",
    at: numberOr(q.get("at"), 0),
  };
  q = view === "network" ? given : none;
  const net = {
    data: q.get("data") || "moons",
    samples: numberOr(q.get("samples"), 200),
    noise: numberOr(q.get("noise"), 0.1),
    seed: numberOr(q.get("seed"), 0),
    hidden: q.has("hidden") ? q.get("hidden") : "8,8",
    activation: q.get("activation") || "tanh",
    opt: q.has("opt") ? parseOpt(q.get("opt")) : { name: "adam", hyper: { lr: 0.03 } },
    batch: numberOr(q.get("batch"), 32),
    speed: numberOr(q.get("speed"), 5),
    at: numberOr(q.get("at"), 0),
  };
  return { view, race, net, bp: readBackprop(none), given, lang };
}

// The variables a backprop formula may use (the server's list; it refuses any other).
export const BP_VARIABLES = ["x", "y", "z", "w", "b", "t", "a", "c"];

function readBackprop(q) {
  const values = {};
  for (const name of BP_VARIABLES) if (q.has(name)) values[name] = numberOr(q.get(name), 1);
  return { expr: q.get("expr") || "(sigmoid(w*x + b) - t)**2", values, at: numberOr(q.get("at"), 0) };
}

// The server's parameters of a backprop view: the formula and its values.
export function bpQuery(bp) {
  const q = new URLSearchParams();
  q.set("expr", bp.expr);
  for (const [name, value] of Object.entries(bp.values)) q.set(name, String(value));
  return q;
}

function numberOr(text, fallback) {
  if (text === null || text === "") return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : fallback;
}

// The server's parameters of a race (what decides its numbers).
export function raceQuery(race) {
  const q = new URLSearchParams();
  q.set("surface", race.surface);
  if (race.surface === "custom") q.set("expr", race.expr);
  if (race.surface === "neuron") {
    q.set("activation", race.neuron.activation);
    q.set("noise", String(race.neuron.noise));
  }
  for (const opt of race.opts) q.append("opt", optText(opt));
  if (race.start) q.set("start", race.start.map(String).join(","));
  q.set("steps", String(race.steps));
  return q;
}

export function netQuery(net) {
  const q = new URLSearchParams();
  q.set("data", net.data);
  q.set("samples", String(net.samples));
  q.set("noise", String(net.noise));
  q.set("seed", String(net.seed));
  q.set("hidden", net.hidden);
  q.set("activation", net.activation);
  q.set("opt", optText(net.opt));
  q.set("batch", String(net.batch));
  return q;
}

export function pageUrl(view, race, net, bp, lang = "en") {
  if (view === "backprop") {
    const q = bpQuery(bp);
    q.set("view", view);
    q.set("at", String(bp.at));
    q.set("lang", lang);
    return `${location.pathname}?${q.toString()}`;
  }
  const q = view === "network" ? netQuery(net) : raceQuery(race);
  q.set("view", view);
  if (view === "race") {
    q.set("mode", race.mode);
    if (race.mode === "live") {
      q.set("speed", race.speed);
      q.set("at", String(race.at));
    }
  } else {
    q.set("speed", String(net.speed));
    q.set("at", String(net.at));
  }
  q.set("lang", lang);
  return `${location.pathname}?${q.toString()}`;
}

// The surface request of a race view (its grid of shades and contour lines).
export function surfaceQuery(race) {
  const q = raceQuery(race);
  for (const key of ["opt", "start", "steps"]) q.delete(key);
  q.set("grid", "150");
  return q;
}

// Answers asked for before the page's views exist (while /api/meta loads), used once.
const early = new Map();

export function prefetch(path, query) {
  const url = `${path}?${query.toString()}`;
  const answer = request(url);
  // A refusal is the view's to show when it asks: not an unhandled rejection before that.
  answer.catch(() => {});
  early.set(url, answer);
}

export function api(path, query) {
  const url = `${path}?${query.toString()}`;
  const found = early.get(url);
  if (found) {
    early.delete(url);
    return found;
  }
  return request(url);
}

async function request(url) {
  const response = await fetch(withLang(url), { cache: "no-store" });
  const isJson = (response.headers.get("Content-Type") || "").startsWith("application/json");
  const body = isJson ? await response.json() : await response.text();
  if (!response.ok) throw new Error(isJson ? body.error : `${response.status}`);
  return body;
}
