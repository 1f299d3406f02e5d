// The numbers of the race view in words: the table, the tooltip and the status line.

import { fmt } from "./draw.js";
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
      li.textContent = `${p.label}${settings}: ${p.message}`;
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
  tip.innerHTML = `<b>${escapeHtml(p.label)}</b> · step ${h.step}<br>${neuron ? "w" : "x"} = ${fmt(x, 6)}, ` +
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
    const tail = stopped && (!h || t >= p.diverged_at) ? ` (diverged at step ${p.diverged_at})` : "";
    return `${p.label}: f = ${fmt(p.values[k])}, ‖∇f‖ = ${fmt(p.grad_norms[k])}${tail}`;
  });
  const mode = view.state.mode === "live" ? (view.stream ? "playing" : "paused") : "instant";
  const timing = view.state.mode === "instant" && view.computeMs !== undefined ? ` · computed in ${fmt(view.computeMs, 3)} ms` : "";
  status.textContent = `step ${t} / ${view.state.steps} (${mode}${timing}) · ${parts.join(" · ")}`;
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
