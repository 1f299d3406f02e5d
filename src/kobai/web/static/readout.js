// The numbers of the race view in words: the table, the tooltip and the status line.

import { fmt } from "./draw.js";
import { tr, currentLang } from "./i18n.js";
import { describe, el } from "./optimizers.js";

const $ = (id) => document.getElementById(id);

export function fillReadout(view, hoverStep) {
  const body = document.querySelector("#readout tbody");
  body.replaceChildren();
  const messages = $("messages");
  messages.replaceChildren();
  view.paths.forEach((p, i) => {
    const colour = view.colours[i % view.colours.length];
    const last = p.points.length - 1;
    const t = hoverStep !== null ? Math.min(hoverStep, last) : last;
    const row = el("tr");
    row.style.setProperty("--c", colour);
    const stopped = p.status === "diverged" && p.diverged_at !== null && view.step >= p.diverged_at;
    row.classList.toggle("diverged", stopped);
    Object.assign(row.dataset, { label: p.label, step: String(Math.max(t, 0)) });
    if (t >= 0) {
      Object.assign(row.dataset, {
        x: String(p.points[t][0]), y: String(p.points[t][1]),
        f: String(p.values[t]), g: String(p.grad_norms[t]),
      });
    }
    const cells = [`<span class="dot"></span>`, escapeHtml(p.label), t, ...(t >= 0
      ? [fmt(p.points[t][0]), fmt(p.points[t][1]), fmt(p.values[t]), fmt(p.grad_norms[t])]
      : ["–", "–", "–", "–"])];
    row.innerHTML = cells.map((c) => `<td>${c}</td>`).join("");
    row.title = describe(p.hyper);
    body.append(row);
    const done = view.step >= view.state.steps || stopped;
    if (done && p.message) {
      const li = el("li", stopped ? "diverged" : "");
      li.style.setProperty("--c", colour);
      const settings = p.label.includes("lr=") ? "" : ` (${describe({ lr: p.hyper.lr })})`;
      li.textContent = `${p.label}${settings}: ${pathMessage(p)}`;
      messages.append(li);
    }
  });
}

export function showTooltip(view) {
  const tip = $("tooltip");
  const h = view.hover;
  if (!h || h.path === undefined) { tip.classList.add("hidden"); return; }
  const p = view.paths[h.path];
  const [x, y] = p.points[h.step];
  const neuron = view.state.surface === "neuron";
  tip.style.setProperty("--c", view.colours[h.path % view.colours.length]);
  tip.innerHTML = `<b>${escapeHtml(p.label)}</b> · ${tr("web.race.tooltip_step", { step: h.step })}<br>${neuron ? "w" : "x"} = ${fmt(x, 6)}, ` +
    `${neuron ? "b" : "y"} = ${fmt(y, 6)}<br>f = ${fmt(p.values[h.step], 6)}, ‖∇f‖ = ${fmt(p.grad_norms[h.step], 4)}`;
  tip.style.left = `${view.canvas.offsetLeft + view.frame.sx(x) + 16}px`;
  tip.style.top = `${view.canvas.offsetTop + view.frame.sy(y) - 10}px`;
  tip.classList.remove("hidden");
}

export function reportStatus(view) {
  const drawn = view.paths.reduce((n, p) => n + p.points.length, 0);
  const status = $("status");
  status.dataset.step = String(view.step);
  status.dataset.drawn = String(drawn);
  status.classList.remove("error");
  const h = view.hover;
  const t = h ? h.step : view.step;
  const parts = view.paths.map((p) => {
    const k = Math.min(t, p.points.length - 1);
    if (k < 0) return `${p.label}: –`;
    const stopped = p.status === "diverged" && view.step >= p.diverged_at;
    const tail = stopped && (!h || t >= p.diverged_at) ? ` (${tr("web.race.diverged_at", { step: p.diverged_at })})` : "";
    return `${p.label}: f = ${fmt(p.values[k])}, ‖∇f‖ = ${fmt(p.grad_norms[k])}${tail}`;
  });
  const mode = tr(view.state.mode === "live" ? (view.stream ? "web.race.playing" : "web.paused") : "web.race.instant_mode");
  const timing = view.state.mode === "instant" && view.computeMs !== undefined
    ? ` · ${tr("web.race.computed_in", { ms: fmt(view.computeMs, 3) })}` : "";
  status.textContent = tr("web.race.status", { t, steps: view.state.steps, mode: mode + timing, parts: parts.join(" · ") });
}

// What became of a path, in words: the server's English sentence, or the same in the page's
// language from the path's status (its numbers are the server's).
export function pathMessage(p) {
  if (currentLang() === "en") return p.message;
  if (p.status === "diverged" && p.diverged_at !== null) {
    const lr = p.hyper.lr === undefined ? "" : tr("web.race.message.lr_too_large", { lr: fmt(p.hyper.lr) });
    return tr("web.race.message.diverged", { step: p.diverged_at }) + lr;
  }
  const meaning = tr(`web.status.${p.status}`);
  if (p.status === "converged" && p.converged_at !== null && p.converged_at !== undefined) {
    return tr("web.race.message.converged_at", { step: p.converged_at, why: meaning });
  }
  const name = p.status === "converged" ? tr("descent.converged") : tr(`descent.status.${p.status}`);
  return tr("web.race.message.status", { status: name, meaning });
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
