// The backprop view: a formula's graph with its forward values, then the gradient sent back
// one node at a time. Every number (values, local derivatives, products, sums, the check) is
// computed by the server with kobai's autograd; this file only lays out and writes them.

import { fmt } from "./draw.js";
import { tr, trOr } from "./i18n.js";
import { el } from "./optimizers.js";
import { api, bpQuery } from "./state.js";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const BOX = { w: 128, h: 76, constW: 78, constH: 36 };
const GAP = 38;

function svg(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.append(node);
  return node;
}

function text(parent, x, y, content, cls) {
  const t = svg("text", { x, y, class: cls }, parent);
  t.textContent = content;
  return t;
}

function bold(content, cls) {
  const b = el("b", cls);
  b.textContent = content;
  return b;
}

export class BackpropView {
  constructor(meta, state, app) {
    this.meta = meta;
    this.state = state;
    this.app = app;
    this.data = null;
    this.checked = false;
    this.ticket = 0;
    this.bindControls();
  }

  bindControls() {
    const preset = $("bp-preset");
    for (const p of this.meta.backprop.presets) preset.append(new Option(trOr(`web.bp.preset.${p.name}`, p.label), p.name));
    preset.append(new Option(tr("web.bp.own"), "own"));
    preset.addEventListener("change", () => {
      const p = this.meta.backprop.presets.find((x) => x.name === preset.value);
      if (!p) { $("bp-expr").focus(); return; }
      this.state.expr = p.expr;
      this.state.values = { ...p.values };
      this.state.at = 0;
      this.load();
    });
    const commit = () => {
      const expr = $("bp-expr").value.trim();
      if (expr === this.state.expr && this.data) return;
      const limit = this.meta.limits.expression_length;
      if (expr.length > limit) {  // said as such, not as the syntax error of a cut formula
        this.ticket += 1;  // an answer still on its way is for a formula no longer shown
        this.refuse(tr("web.expr_too_long", { length: expr.length, limit }));
        return;
      }
      // Values already set carry over to the variables the new formula still names.
      const kept = {};
      for (const [name, value] of Object.entries(this.state.values)) {
        if (new RegExp(`\\b${name}\\b`).test(expr)) kept[name] = value;
      }
      Object.assign(this.state, { expr, values: kept, at: 0 });
      this.load();
    };
    $("bp-expr").addEventListener("change", commit);
    $("bp-expr").addEventListener("keydown", (e) => { if (e.key === "Enter") commit(); });
    $("bp-step").addEventListener("click", () => this.go(this.state.at + 1));
    $("bp-back").addEventListener("click", () => this.go(this.state.at - 1));
    $("bp-end").addEventListener("click", () => this.go(this.steps()));
    $("bp-reset").addEventListener("click", () => this.go(0));
    $("bp-check").addEventListener("click", () => { this.checked = true; this.draw(); });
    // Arrow keys step too: a teacher at a projector can walk the graph without the mouse.
    document.addEventListener("keydown", (e) => {
      if (this.app.view !== "backprop" || e.target.closest("input, select, textarea")) return;
      if (e.key === "ArrowRight") this.go(this.state.at + 1);
      else if (e.key === "ArrowLeft") this.go(this.state.at - 1);
    });
  }

  steps() { return this.data ? this.data.steps.length : 0; }

  go(at) {
    if (!this.data) return;
    this.state.at = Math.max(0, Math.min(this.steps(), at));
    this.app.writeUrl();
    this.draw();
  }

  pause() {}

  async load() {
    const ticket = ++this.ticket;
    $("bp-expr").value = this.state.expr;
    this.app.writeUrl();
    try {
      const data = await api("/api/backprop", bpQuery(this.state));
      if (ticket !== this.ticket) return;
      this.data = data;
      this.state.values = { ...data.values };
      this.state.at = Math.min(this.state.at, data.steps.length);
      this.checked = false;
      $("bp-error").textContent = "";
      $("bp-expr").classList.remove("invalid");
      this.syncControls();
      this.app.writeUrl();
      this.draw();
    } catch (err) {
      if (ticket !== this.ticket) return;
      this.refuse(err.message);
    }
  }

  refuse(message) {
    this.data = null;
    $("bp-error").textContent = message;
    $("bp-expr").classList.add("invalid");
    $("bp-graph").replaceChildren();
    $("bp-explain").replaceChildren();
    $("bp-grads").querySelector("tbody").replaceChildren();
    if (this.app.view === "backprop") this.app.error(message);
  }

  syncControls() {
    const p = this.meta.backprop.presets.find((x) => x.expr === this.state.expr);
    $("bp-preset").value = p ? p.name : "own";
    const box = $("bp-values");
    box.replaceChildren();
    for (const [name, value] of Object.entries(this.state.values)) {
      const label = el("label", "field");
      label.append(`${name} = `);
      const input = el("input");
      Object.assign(input, { type: "number", step: "0.1", value: String(value), id: `bp-value-${name}` });
      input.setAttribute("aria-label", tr("web.bp.value_of", { name }));
      input.addEventListener("change", () => {
        const v = Number(input.value);
        if (input.value === "" || !Number.isFinite(v)) { input.classList.add("invalid"); return; }
        this.state.values[name] = v;
        this.load();
      });
      label.append(input);
      box.append(label);
    }
  }

  // The gradient each node holds after `at` steps: the sums the server reported.
  gradsAt(at) {
    const grads = new Map();
    if (at > 0) grads.set(this.data.order[0], 1.0);
    for (const step of this.data.steps.slice(0, at)) {
      for (const input of step.inputs) if ("total" in input) grads.set(input.node, input.total);
    }
    return grads;
  }

  draw() {
    if (!this.data) return;
    const at = this.state.at;
    const grads = this.gradsAt(at);
    const current = at > 0 ? this.data.steps[at - 1] : null;
    this.drawGraph(grads, current);
    this.writeExplain(current);
    this.writeGrads();
    const done = at === this.steps();
    $("bp-step").disabled = done;
    $("bp-end").disabled = done;
    $("bp-back").disabled = at === 0;
    // The status line is shared: an answer that arrives after a switch of tab leaves it alone.
    if (this.app.view !== "backprop") return;
    const status = $("status");
    status.classList.remove("error");
    Object.assign(status.dataset, { step: String(at), steps: String(this.steps()), output: String(this.data.output) });
    status.textContent = tr("web.bp.status", { expr: this.data.expr, value: fmt(this.data.output, 6), at, steps: this.steps() }) +
      (done ? tr("web.bp.done") : "");
  }

  // Rows from the inputs (top) to the output (bottom): forward flows down, gradients go up.
  layout() {
    const nodes = this.data.nodes;
    const layers = Math.max(...nodes.map((n) => n.layer)) + 1;
    const inputsOf = new Map(nodes.map((n) => [n.id, []]));
    const usersOf = new Map(nodes.map((n) => [n.id, []]));
    for (const e of this.data.edges) { inputsOf.get(e.to).push(e.from); usersOf.get(e.from).push(e.to); }
    const layerOf = new Map(nodes.map((n) => [n.id, n.layer]));
    // An input sits just above its first use (a target t next to the subtraction it enters).
    for (const n of nodes) {
      if (n.kind !== "op") layerOf.set(n.id, Math.min(...usersOf.get(n.id).map((u) => layerOf.get(u))) - 1);
    }
    const rows = Array.from({ length: layers }, () => []);
    for (const n of nodes) rows[layerOf.get(n.id)].push(n);
    const rank = new Map();
    const place = (row) => row.forEach((n, i) => rank.set(n.id, (i + 0.5) / row.length));
    const mean = (ids) => ids.reduce((s, id) => s + (rank.get(id) ?? 0.5), 0) / Math.max(1, ids.length);
    rows.forEach(place);
    // Two sweeps of the barycentre rule: fewer crossing edges, a readable picture.
    for (let sweep = 0; sweep < 2; sweep++) {
      for (let l = 1; l < layers; l++) { rows[l].sort((a, b) => mean(inputsOf.get(a.id)) - mean(inputsOf.get(b.id))); place(rows[l]); }
      for (let l = layers - 2; l >= 0; l--) { rows[l].sort((a, b) => mean(usersOf.get(a.id)) - mean(usersOf.get(b.id))); place(rows[l]); }
    }
    const widest = Math.max(...rows.map((r) => r.length));
    const width = Math.max($("bp-stage").clientWidth - 24, widest * (BOX.w + 18));
    const height = layers * (BOX.h + GAP) - GAP + 24;
    const at = new Map();
    rows.forEach((row, l) => row.forEach((n, i) => {
      at.set(n.id, { x: (rank.get(n.id) * width), y: 12 + BOX.h / 2 + l * (BOX.h + GAP) });
    }));
    return { width, height, at };
  }

  drawGraph(grads, current) {
    const root = $("bp-graph");
    root.replaceChildren();
    const { width, height, at } = this.layout();
    root.setAttribute("viewBox", `0 0 ${width} ${height}`);
    // A deep graph is scaled to fit the window (down to 70%): the whole picture on one screen.
    const scale = Math.max(0.7, Math.min(1, (window.innerHeight - 150) / height));
    root.setAttribute("width", String(Math.round(width * scale)));
    root.setAttribute("height", String(Math.round(height * scale)));
    const defs = svg("defs", {}, root);
    for (const [id, cls] of [["bp-arrow", "bp-arrow"], ["bp-arrow-hot", "bp-arrow hot"]]) {
      const marker = svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: cls }, marker);
    }
    const byId = new Map(this.data.nodes.map((n) => [n.id, n]));
    const live = new Map((current ? current.inputs : []).map((i) => [`${i.node}>${i.slot}`, i]));
    const edges = svg("g", {}, root);
    const labels = [];
    for (const e of this.data.edges) {
      const a = at.get(e.from), b = at.get(e.to);
      const ha = byId.get(e.from).kind === "constant" ? BOX.constH : BOX.h;
      const x2 = b.x + (e.slot - (this.arity(e.to) - 1) / 2) * 26;
      const y1 = a.y + ha / 2, y2 = b.y - BOX.h / 2, my = (y1 + y2) / 2;
      const entry = current && current.node === e.to ? live.get(`${e.from}>${e.slot}`) : undefined;
      const flowing = entry !== undefined && "product" in entry;
      // Drawn from the consumer back to its input when the gradient flows through it.
      const d = flowing ? `M${x2},${y2} C${x2},${my} ${a.x},${my} ${a.x},${y1}` : `M${a.x},${y1} C${a.x},${my} ${x2},${my} ${x2},${y2}`;
      svg("path", { d, class: flowing ? "bp-edge flowing" : "bp-edge", "marker-end": `url(#${flowing ? "bp-arrow-hot" : "bp-arrow"})` }, edges);
      if (flowing) labels.push([(a.x + x2) / 2 + 8, my + 5, fmt(entry.product, 4)]);
    }
    for (const n of this.data.nodes) this.drawNode(root, n, at.get(n.id), grads, current);
    for (const [x, y, content] of labels) text(root, x, y, content, "bp-edge-label");
  }

  // An op's gradient is final once its own backward step has run.
  reachedFinal(id) { return this.data.order.indexOf(id) < this.state.at; }

  arity(id) { return this.data.edges.filter((e) => e.to === id).length; }

  drawNode(root, n, p, grads, current) {
    const constant = n.kind === "constant";
    const w = constant ? BOX.constW : BOX.w, h = constant ? BOX.constH : BOX.h;
    const g = svg("g", { class: `bp-node ${n.kind}`, "data-id": n.id, "data-label": n.label, "data-value": String(n.value) }, root);
    if (current && current.node === n.id) g.classList.add("current");
    if (grads.has(n.id)) { g.classList.add("reached"); g.setAttribute("data-grad", String(grads.get(n.id))); }
    svg("rect", { x: p.x - w / 2, y: p.y - h / 2, width: w, height: h, rx: 9 }, g);
    if (constant) {
      text(g, p.x, p.y + 6, n.label, "bp-const");
      return;
    }
    text(g, p.x, p.y - h / 2 + 24, n.label, n.kind === "variable" ? "bp-var" : "bp-op");
    text(g, p.x, p.y + 6, `= ${fmt(n.value, 5)}`, "bp-value");
    text(g, p.x, p.y + h / 2 - 9, grads.has(n.id) ? `∇ ${fmt(grads.get(n.id), 5)}` : "∇  ·", "bp-grad");
    // After "check", an op whose gradient has arrived shows how central differences agree.
    const check = this.checked && n.kind === "op" ? this.data.check.nodes[n.id] : undefined;
    if (check && this.reachedFinal(n.id)) {
      const ok = check.difference !== null && check.difference <= 1e-6 * Math.max(1, Math.abs(check.numerical));
      Object.assign(g.dataset, { numerical: String(check.numerical), difference: String(check.difference) });
      svg("circle", { cx: p.x + w / 2 - 2, cy: p.y - h / 2 + 2, r: 11, class: ok ? "bp-badge ok" : "bp-badge bad" }, g);
      text(g, p.x + w / 2 - 2, p.y - h / 2 + 7.5, ok ? "✓" : "✗", ok ? "bp-ok" : "bp-bad");
      const title = svg("title", {}, g);
      title.textContent = tr("web.bp.badge", { backprop: check.backprop, numerical: check.numerical, difference: fmt(check.difference, 2) });
    }
  }

  label(id) {
    const n = this.data.nodes.find((x) => x.id === id);
    return n.kind === "op" && n.label !== n.op.toLowerCase() ? `${n.label} (${n.op})` : n.label;
  }

  writeExplain(current) {
    const box = $("bp-explain");
    box.replaceChildren();
    const head = el("p", "bp-head");
    box.append(head);
    if (!current) {
      head.textContent = tr("web.bp.forward_done", { value: fmt(this.data.output, 6) });
      return;
    }
    const out = this.data.nodes.find((x) => x.id === current.node);
    const what = out.expr ? `${this.label(current.node)}: ${out.expr}` : this.label(current.node);
    head.append(tr("web.bp.node"), bold(what), tr("web.bp.receives", { value: fmt(out.value, 6) }),
      bold(fmt(current.upstream, 6), "bp-up"));
    for (const input of current.inputs) {
      const card = el("div", "bp-input");
      card.dataset.node = input.node;
      const name = this.label(input.node);
      if (!("product" in input)) {
        card.append(bold(name), tr("web.bp.constant"));
        box.append(card);
        continue;
      }
      Object.assign(card.dataset, { local: String(input.local), product: String(input.product), total: String(input.total), upstream: String(current.upstream) });
      const line = (...parts) => { const d = el("div"); d.append(...parts); card.append(d); };
      const node = this.data.nodes.find((x) => x.id === input.node);
      // An op's input is named by what it computes (w×x+b), as in the local derivative.
      const named = node.kind === "op" && node.expr ? `${name}: ${node.expr}` : name;
      line(tr("web.bp.to"), bold(named), node.kind === "op" ? ` (= ${fmt(node.value, 6)}):` : ":");
      line(tr("web.bp.local", { formula: input.formula }), bold(fmt(input.local, 6)));
      line(tr("web.bp.chain"), bold(fmt(input.local, 6)), " × ", bold(fmt(current.upstream, 6), "bp-up"), " = ", bold(fmt(input.product, 6), "bp-prod"));
      const sum = input.total === input.product ? "" : tr("web.bp.several_uses");
      const wrt = node.kind === "op" && node.expr ? `(${node.expr})` : name.split(" ")[0];
      line(tr("web.bp.so_far", { name: wrt }), bold(fmt(input.total, 6), "bp-prod"), sum);
      box.append(card);
    }
  }

  writeGrads() {
    const body = $("bp-grads").querySelector("tbody");
    body.replaceChildren();
    if (!this.data) return;
    const grads = this.gradsAt(this.state.at);
    const done = this.state.at === this.steps();
    for (const n of this.data.nodes.filter((x) => x.kind === "variable")) {
      const row = el("tr");
      row.dataset.name = n.label;
      const g = grads.get(n.id);
      const cells = [`∂L/∂${n.label}`, g === undefined ? "·" : fmt(g, 8)];
      if (g !== undefined) row.dataset.grad = String(g);
      if (done) row.dataset.backward = String(this.data.grads[n.label]);
      if (this.checked) {
        // The difference is against the final gradient: shown once backprop has delivered it.
        const num = this.data.check.numerical[n.label], diff = this.data.check.difference[n.label];
        row.dataset.numerical = String(num);
        if (done) row.dataset.difference = String(diff);
        cells.push(fmt(num, 8), done ? fmt(diff, 2) : "");
        row.classList.toggle("bad", done && diff > 1e-6 * Math.max(1, Math.abs(num)));
      } else {
        cells.push("", "");
      }
      for (const c of cells) { const td = el("td"); td.textContent = c; row.append(td); }
      body.append(row);
    }
    $("bp-check-note").textContent = this.checked
      ? tr("web.bp.check_note", { h: this.data.check.h })
      : "";
  }
}
