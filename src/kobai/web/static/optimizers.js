// Cards of optimizer settings: name, learning rate (log slider and exact number), the main
// hyper-parameters and flags. The card calls onchange() after every edit.

import { fmt } from "./draw.js";
import { tr } from "./i18n.js";

// Hyper-parameters with a name in words (in the page's language); the others show their key.
const LABELS = { lr: "web.hyper.lr", momentum: "web.hyper.momentum", decay_rate: "web.hyper.decay_rate" };

function hyperLabel(key) {
  return LABELS[key] ? tr(LABELS[key]) : key;
}

export function family(name) {
  return name.replace(/^textbook-/, "");
}

export function suggestedLr(meta, surfaceLr, name) {
  const fam = family(name);
  if (surfaceLr && surfaceLr[fam] !== undefined) return surfaceLr[fam];
  const info = meta.optimizers.find((o) => o.name === name);
  return info ? info.defaults.lr : 0.01;
}

export function optimizerCard(meta, opt, colour, { onchange, onremove, removable }) {
  const info = meta.optimizers.find((o) => o.name === opt.name) || meta.optimizers[0];
  const card = el("div", "opt");
  card.style.setProperty("--c", colour);
  const head = el("div", "opt-head");
  const select = el("select");
  select.setAttribute("aria-label", tr("web.race.optimizer"));
  for (const o of meta.optimizers) select.append(new Option(o.name, o.name, false, o.name === opt.name));
  select.addEventListener("change", () => {
    opt.name = select.value;
    opt.hyper = { lr: opt.hyper.lr };
    onchange({ renamed: true });
  });
  head.append(select);
  if (removable) {
    const remove = el("button");
    remove.textContent = "×";
    remove.title = tr("web.race.remove");
    remove.addEventListener("click", onremove);
    head.append(remove);
  }
  card.append(head, lrField(meta, opt, onchange));
  const more = el("div", "more");
  for (const key of info.main) {
    if (key === "lr") continue;
    if (key === "betas") {
      more.append(pairField(meta, opt, info, 0, "β₁", onchange), pairField(meta, opt, info, 1, "β₂", onchange));
    } else {
      more.append(numberField(meta, opt, info, key, onchange));
    }
  }
  if (more.childElementCount) card.append(more);
  if (info.flags.length) {
    const flags = el("div", "flags");
    for (const key of info.flags) {
      const label = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.checked = Boolean(key in opt.hyper ? opt.hyper[key] : info.defaults[key]);
      box.addEventListener("change", () => {
        opt.hyper[key] = box.checked;
        onchange({});
      });
      label.append(box, ` ${key}`);
      flags.append(label);
    }
    card.append(flags);
  }
  return card;
}

function lrField(meta, opt, onchange) {
  const [low, high] = [meta.hyper.lr.low, meta.hyper.lr.high];
  const field = el("label", "field");
  const slider = el("input");
  slider.type = "range";
  slider.min = String(Math.log10(Math.max(low, 1e-5)));
  slider.max = String(Math.log10(high));
  slider.step = "0.01";
  slider.value = String(Math.log10(opt.hyper.lr));
  slider.setAttribute("aria-label", tr("web.hyper.lr_log"));
  const number = boundedInput(meta.hyper.lr, opt.hyper.lr, tr("web.hyper.lr"), (lr) => {
    opt.hyper.lr = lr;
    slider.value = String(Math.log10(lr));
    onchange({});
  });
  number.className = "lr";
  slider.addEventListener("input", () => {
    const lr = Number((10 ** Number(slider.value)).toPrecision(2));
    opt.hyper.lr = lr;
    number.value = String(lr);
    onchange({ sliding: true });
  });
  field.append("lr", slider, number);
  return field;
}

// A number box for a value in [spec.low, spec.high]: a value outside is marked invalid and
// not taken; one inside is handed to accept.
function boundedInput(spec, value, label, accept) {
  const input = el("input");
  input.type = "number";
  input.min = String(spec.low);
  input.max = String(spec.high);
  input.step = "any";
  input.value = String(value);
  input.setAttribute("aria-label", label);
  input.addEventListener("change", () => {
    const v = Number(input.value);
    const inside = v >= spec.low && v <= spec.high;
    input.classList.toggle("invalid", !inside);
    if (inside) accept(v);
  });
  return input;
}

function numberField(meta, opt, info, key, onchange) {
  const value = key in opt.hyper ? opt.hyper[key] : info.defaults[key];
  const input = boundedInput(meta.hyper[key], value, key, (v) => {
    opt.hyper[key] = v;
    onchange({});
  });
  const field = el("label", "field");
  field.append(hyperLabel(key), input);
  return field;
}

function pairField(meta, opt, info, index, label, onchange) {
  const current = () => (opt.hyper.betas || info.defaults.betas).slice();
  const input = boundedInput(meta.hyper.betas, current()[index], label, (v) => {
    const pair = current();
    pair[index] = v;
    opt.hyper.betas = pair;
    onchange({});
  });
  const field = el("label", "field");
  field.append(label, input);
  return field;
}

export function describe(hyper) {
  return Object.entries(hyper)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.map((x) => fmt(x)).join("/") : typeof v === "boolean" ? v : fmt(v)}`)
    .join(", ");
}

export function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

const ICONS = {
  play: '<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2 1l9 5-9 5z" fill="currentColor"/></svg>',
  pause: '<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2 1h3v10H2zM7 1h3v10H7z" fill="currentColor"/></svg>',
};

export function playButton(button, playing) {
  button.innerHTML = `${playing ? ICONS.pause : ICONS.play} ${tr(playing ? "web.pause" : "web.play")}`;
  button.classList.toggle("playing", playing);
  button.setAttribute("aria-pressed", String(playing));
}
