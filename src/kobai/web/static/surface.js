// The race view: optimizers on a surface, instant (whole paths) or live (streamed steps).

import {
  Frame, byteImage, drawAxes, drawContours, drawCross, drawImage, drawPath, drawStar,
  fitCanvas, hexToRgb, lineChart,
} from "./draw.js";
import { tr, trOr } from "./i18n.js";
import { optimizerCard, playButton, suggestedLr } from "./optimizers.js";
import { fillReadout, reportStatus, showTooltip } from "./readout.js";
import { api, raceQuery, surfaceQuery } from "./state.js";
import { openStream, stopStreamOf } from "./stream.js";

const $ = (id) => document.getElementById(id);
const EXAMPLE_FORMULA = "x**2/4 + y**2 - 2*exp(-(x - 1)**2 - (y - 1)**2)";
const PREFERRED = ["sgd", "momentum", "adam", "rmsprop", "nesterov", "adagrad", "adamw", "nadam"];

export class RaceView {
  constructor(meta, state, app) {
    this.meta = meta;
    this.state = state;
    this.app = app;
    this.surface = null;
    this.paths = [];
    this.step = 0;
    this.hover = null;
    this.stream = null;
    this.request = 0;
    this.surfaceTicket = 0;
    this.colours = meta.palette;
    this.colourmap = meta.colormap.map(hexToRgb);
    this.canvas = $("surface-canvas");
    this.curve = $("curve-canvas");
    this.bindControls();
    this.bindPointer();
  }

  // -- controls -------------------------------------------------------------------------
  bindControls() {
    const s = this.state;
    const select = $("surface");
    for (const surf of this.meta.surfaces) select.append(new Option(surfaceTitle(surf), surf.name));
    select.addEventListener("change", () => {
      s.surface = select.value;
      s.start = null;
      if (s.surface === "custom" && !s.expr) s.expr = EXAMPLE_FORMULA;
      const lrs = this.surfaceInfo().lr;
      for (const opt of s.opts) opt.hyper.lr = suggestedLr(this.meta, lrs, opt.name);
      this.changed({ surface: true, rebuild: true });
    });
    $("expr").addEventListener("change", () => {
      const limit = this.meta.limits.expression_length, typed = $("expr").value.trim();
      if (typed.length > limit) {
        this.app.error(tr("web.expr_too_long", { length: typed.length, limit }));
        return;
      }
      s.expr = typed;
      s.start = null;
      this.changed({ surface: true });
    });
    const act = $("neuron-activation");
    for (const a of this.meta.neuron_activations) act.append(new Option(a, a));
    act.addEventListener("change", () => { s.neuron.activation = act.value; this.changed({ surface: true }); });
    $("neuron-noise").addEventListener("change", () => {
      s.neuron.noise = Number($("neuron-noise").value);
      this.changed({ surface: true });
    });
    $("add-optimizer").addEventListener("click", () => this.addOptimizer());
    $("steps").addEventListener("change", () => {
      s.steps = Math.round(Number($("steps").value));
      this.changed({});
    });
    for (const button of document.querySelectorAll("[data-mode]")) {
      button.addEventListener("click", () => {
        s.mode = button.dataset.mode;
        s.at = 0;
        this.syncMode();
        this.changed({});
      });
    }
    $("race-play").addEventListener("click", () => (this.stream ? this.pause() : this.play()));
    $("race-step").addEventListener("click", () => this.stepOnce());
    $("race-reset").addEventListener("click", () => this.reset());
    $("race-speed").addEventListener("change", () => {
      s.speed = $("race-speed").value;
      this.app.writeUrl();
      if (this.stream) { this.pause(); this.play(); }
    });
  }

  surfaceInfo() {
    return this.meta.surfaces.find((x) => x.name === this.state.surface) || this.meta.surfaces[0];
  }

  syncControls() {
    const s = this.state;
    $("surface").value = s.surface;
    $("expr").value = s.expr;
    $("expr-row").classList.toggle("hidden", s.surface !== "custom");
    $("neuron-row").classList.toggle("hidden", s.surface !== "neuron");
    $("neuron-activation").value = s.neuron.activation;
    $("neuron-noise").value = String(s.neuron.noise);
    $("steps").value = String(s.steps);
    this.syncMode();
    const neuron = s.surface === "neuron";
    $("col-x").textContent = neuron ? "w" : "x";
    $("col-y").textContent = neuron ? "b" : "y";
    $("curve-title").innerHTML = tr("web.race.per_optimizer", { f: neuron ? "L(w<sub>t</sub>, b<sub>t</sub>)" : "f(x<sub>t</sub>)" });
    this.buildCards();
  }

  // The mode buttons, and the player that only live mode has.
  syncMode() {
    const s = this.state;
    for (const b of document.querySelectorAll("[data-mode]")) b.setAttribute("aria-pressed", String(b.dataset.mode === s.mode));
    $("live-controls").classList.toggle("hidden", s.mode !== "live");
    $("race-speed").value = s.speed;
  }

  buildCards() {
    const box = $("optimizers");
    box.replaceChildren();
    this.state.opts.forEach((opt, i) => {
      box.append(optimizerCard(this.meta, opt, this.colours[i % this.colours.length], {
        removable: this.state.opts.length > 1,
        onremove: () => { this.state.opts.splice(i, 1); this.changed({ rebuild: true }); },
        onchange: ({ renamed, sliding }) => {
          if (renamed) opt.hyper.lr = suggestedLr(this.meta, this.surfaceInfo().lr, opt.name);
          this.changed({ rebuild: renamed, sliding });
        },
      }));
    });
    $("add-optimizer").classList.toggle("hidden", this.state.opts.length >= this.meta.limits.optimizers);
  }

  addOptimizer() {
    const used = new Set(this.state.opts.map((o) => o.name));
    const name = PREFERRED.find((n) => !used.has(n)) || "sgd";
    this.state.opts.push({ name, hyper: { lr: suggestedLr(this.meta, this.surfaceInfo().lr, name) } });
    this.changed({ rebuild: true });
  }

  changed({ surface, rebuild, sliding }) {
    this.stopStream();
    if (rebuild || surface) this.syncControls();
    this.state.at = 0;
    this.app.writeUrl();
    if (surface) this.loadSurface();
    clearTimeout(this.timer);
    // While a slider moves, wait for a pause in the motion: each recompute is a full race.
    this.timer = setTimeout(() => this.compute(), sliding ? 90 : 0);
  }

  // -- data -----------------------------------------------------------------------------
  async load() {
    this.syncControls();
    await Promise.all([this.loadSurface(), this.compute()]);
  }

  async loadSurface() {
    const q = surfaceQuery(this.state);
    const ticket = ++this.surfaceTicket;
    try {
      const surface = await api("/api/surface", q);
      if (ticket !== this.surfaceTicket) return;
      this.surface = surface;
      const cmap = this.colourmap;
      this.heat = byteImage(surface.shade, surface.grid, (v) => (v === 255 ? [200, 200, 200] : cmap[v]));
      $("surface-label").textContent = surface.label;
      $("surface-description").textContent = trOr(`web.surface.${this.state.surface}`, surface.description || "");
      $("expr-error").textContent = "";
      $("expr").classList.remove("invalid");
      this.draw();
    } catch (err) {
      if (ticket !== this.surfaceTicket) return;
      if (this.state.surface === "custom") {
        $("expr-error").textContent = err.message;
        $("expr").classList.add("invalid");
      }
      this.app.error(err.message);
    }
  }

  async compute() {
    const ticket = ++this.request;
    const s = this.state;
    if (s.mode === "live") {
      // Live mode opens at step `at` (0, or where a shared link paused), quickly.
      this.paths = [];
      this.step = 0;
      this.run({ from: 0, to: Math.min(s.at, s.steps), fps: 0, perFrame: 2000, loop: false });
      return;
    }
    try {
      const race = await api("/api/descend", raceQuery(s));
      if (ticket !== this.request) return;
      this.adopt(race.paths);
      this.paths = race.paths;
      this.step = s.steps;
      this.computeMs = race.compute_ms;
      this.draw();
    } catch (err) {
      if (ticket === this.request) this.app.error(err.message);
    }
  }

  // Settings the server filled in (learning rates of a URL without them) become explicit.
  adopt(paths) {
    let filled = false;
    if (!this.state.opts.length) {
      this.state.opts = paths.map((p) => ({ name: p.optimizer, hyper: { lr: p.hyper.lr } }));
      filled = true;
    }
    paths.forEach((p, i) => {
      const opt = this.state.opts[i];
      if (opt && opt.hyper.lr === undefined) { opt.hyper.lr = p.hyper.lr; filled = true; }
    });
    if (filled) { this.buildCards(); this.app.writeUrl(); }
  }

  // -- live mode ------------------------------------------------------------------------
  play() {
    const s = this.state;
    if (s.at >= s.steps) { s.at = 0; this.paths = []; this.step = 0; }
    const [fps, perFrame] = s.speed.split(",").map(Number);
    this.run({ from: s.at, to: s.steps, fps, perFrame, loop: true });
  }

  stepOnce() {
    const s = this.state;
    if (s.at < s.steps) this.run({ from: s.at, to: s.at + 1, fps: 0, perFrame: 1, loop: false });
  }

  run({ from, to, fps, perFrame, loop }) {
    this.stopStream();
    const q = raceQuery(this.state);
    q.set("from", String(from));
    q.set("to", String(to));
    q.set("fps", String(fps));
    q.set("per_frame", String(perFrame));
    const ticket = this.request;
    const stream = openStream(`/api/descend/stream?${q}`, {
      events: {
        setup: (setup) => {
          if (ticket !== this.request) return;
          if (!this.paths.length) {
            this.paths = setup.paths.map((p) => ({ ...p, points: [], values: [], grad_norms: [] }));
            this.adopt(this.paths);
            this.step = from;
            this.append(setup.current);
          }
          this.draw();
        },
        step: (frame) => { if (ticket === this.request) { this.append(frame); this.draw(); } },
        end: () => {},
      },
      onerror: (message) => this.app.error(message),
      onclose: () => {
        if (this.stream === stream) { this.stream = null; this.playing(false); }
        if (ticket === this.request) { this.app.writeUrl(); this.draw(); }
      },
    });
    if (loop) { this.stream = stream; this.playing(true); }
  }

  append(frame) {
    frame.paths.forEach((slice, i) => {
      const path = this.paths[i];
      if (!path) return;
      const start = frame.from;
      // Only steps that follow what is drawn (a repeated frame changes nothing).
      for (let k = 0; k < slice.points.length; k++) {
        if (start + k !== path.points.length) continue;
        path.points.push(slice.points[k]);
        path.values.push(slice.values[k]);
        path.grad_norms.push(slice.grad_norms[k]);
      }
    });
    this.step = Math.max(this.step, frame.to);
    this.state.at = this.step;
  }

  pause() {
    this.stopStream();
    this.app.writeUrl();
  }

  stopStream() {
    stopStreamOf(this);
  }

  reset() {
    this.stopStream();
    this.state.at = 0;
    this.request++;
    this.compute();
    this.app.writeUrl();
  }

  playing(on) {
    playButton($("race-play"), on);
  }

  // -- pointer --------------------------------------------------------------------------
  bindPointer() {
    this.canvas.addEventListener("click", (e) => {
      if (!this.frame) return;
      const [px, py] = pointer(e, this.canvas);
      if (!this.frame.inside(px, py)) return;
      const span = Math.max(this.frame.x1 - this.frame.x0, this.frame.y1 - this.frame.y0);
      const digits = Math.max(0, 3 - Math.floor(Math.log10(span)));
      const round = (v) => Number(v.toFixed(digits));
      this.state.start = [round(this.frame.ix(px)), round(this.frame.iy(py))];
      this.changed({});
    });
    this.canvas.addEventListener("mousemove", (e) => this.hoverAt(...pointer(e, this.canvas)));
    this.canvas.addEventListener("mouseleave", () => { this.hover = null; this.draw(); });
    this.curve.addEventListener("mousemove", (e) => {
      if (!this.curveFrame) return;
      const [px] = pointer(e, this.curve);
      const t = Math.round(this.curveFrame.ix(px));
      this.hover = t >= 0 && t <= this.step ? { step: t } : null;
      this.draw();
    });
    this.curve.addEventListener("mouseleave", () => { this.hover = null; this.draw(); });
  }

  hoverAt(px, py) {
    let best = null;
    this.paths.forEach((p, i) => {
      p.points.forEach(([x, y], t) => {
        const d = Math.hypot(this.frame.sx(x) - px, this.frame.sy(y) - py);
        if (d < 14 && (!best || d < best.d)) best = { d, path: i, step: t };
      });
    });
    this.hover = best;
    this.draw();
  }

  // -- drawing --------------------------------------------------------------------------
  draw() {
    if (!this.surface) return;
    const stage = this.canvas.parentElement;
    const size = Math.max(320, Math.min(stage.clientWidth - 20, window.innerHeight - 150));
    const ctx = fitCanvas(this.canvas, size, size);
    const box = { left: 58, top: 12, width: size - 72, height: size - 66 };
    this.frame = new Frame(this.surface.bounds, box);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    drawImage(ctx, this.frame, this.heat);
    drawContours(ctx, this.frame, this.surface.contours);
    for (const m of this.surface.minima) drawStar(ctx, this.frame, m);
    const neuron = this.state.surface === "neuron";
    drawAxes(ctx, this.frame, neuron ? "w" : "x", neuron ? "b" : "y");
    drawCross(ctx, this.frame, this.state.start || this.surface.start);
    const hoverStep = this.hover ? this.hover.step : null;
    this.paths.forEach((p, i) => {
      const colour = this.colours[i % this.colours.length];
      const at = hoverStep !== null && hoverStep < p.points.length ? p.points[hoverStep] : null;
      drawPath(ctx, this.frame, p.points, colour, at);
    });
    this.drawCurve(hoverStep);
    this.readout(hoverStep);
    this.tooltip();
    this.report();
  }

  drawCurve(cursor) {
    const width = this.curve.parentElement.clientWidth - 32;
    const ctx = fitCanvas(this.curve, width, 260);
    const log = this.surface.log && this.paths.every((p) => p.values.every((v) => v > 0));
    this.curveFrame = lineChart(ctx, width, 260, this.paths.map((p, i) => ({
      values: p.values, colour: this.colours[i % this.colours.length],
    })), { log, xmax: this.state.steps, xlabel: tr("web.race.step_t"), cursor });
  }

  readout(hoverStep) {
    fillReadout(this, hoverStep);
  }

  tooltip() {
    showTooltip(this);
  }

  report() {
    reportStatus(this);
    this.app.painted();
  }
}

function surfaceTitle(surface) {
  if (surface.name === "neuron") return tr("web.race.neuron");
  if (surface.name === "custom") return tr("web.race.custom");
  return surface.name;
}

function pointer(event, canvas) {
  const r = canvas.getBoundingClientRect();
  return [event.clientX - r.left, event.clientY - r.top];
}

