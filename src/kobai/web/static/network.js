// The tiny network view: an MLP on 2-D points, trained live by the server, drawn here.

import { Frame, byteImage, drawAxes, drawImage, fitCanvas, fmt, hexToRgb, lineChart } from "./draw.js";
import { tr } from "./i18n.js";
import { el, optimizerCard, playButton } from "./optimizers.js";
import { netQuery } from "./state.js";
import { openStream, stopStreamOf } from "./stream.js";

const $ = (id) => document.getElementById(id);
const CLASS_COLOURS = ["#E69F00", "#0072B2", "#009E73", "#CC79A7"];
const BATCHES = [1, 8, 16, 32, 64, 128, "full"];
const DATA_NOISE = { moons: 0.1, circles: 0.08, spiral: 0.04, xor: 0.05 };
// Colour of each heat-map byte: class (high 2 bits) over white, stronger with confidence.
const SHADES = Array.from({ length: 256 }, (_, code) => {
  const [r, g, b] = hexToRgb(CLASS_COLOURS[code >> 6]);
  const a = 0.08 + 0.4 * ((code & 63) / 63);
  return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
});

export class NetworkView {
  constructor(meta, state, app) {
    this.meta = meta;
    this.state = state;
    this.app = app;
    this.canvas = $("net-canvas");
    this.lossCanvas = $("loss-canvas");
    this.stream = null;
    this.ticket = 0;
    this.setupData = null;
    this.losses = [];
    this.frame = null;
    this.dirty = false;
    this.draws = [];
    this.bindControls();
    const loop = () => {
      if (this.dirty) { this.dirty = false; this.draw(); }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  bindControls() {
    const s = this.state;
    const box = $("datasets");
    for (const name of this.meta.datasets) {
      const b = el("button");
      b.textContent = name;
      b.dataset.data = name;
      b.addEventListener("click", () => {
        s.data = name;
        s.noise = DATA_NOISE[name] ?? s.noise;
        this.changed();
      });
      box.append(b);
    }
    const bind = (id, key, parse) => $(id).addEventListener("change", () => { s[key] = parse($(id).value); this.changed(); });
    $("net-samples").addEventListener("change", () => {
      const full = s.batch >= s.samples;
      s.samples = Math.round(Number($("net-samples").value));
      if (full) s.batch = s.samples; // "full batch" stays full batch
      this.changed();
    });
    bind("net-noise", "noise", Number);
    bind("net-seed", "seed", (v) => Math.round(Number(v)));
    bind("net-hidden", "hidden", (v) => v.replace(/\s+/g, ""));
    bind("net-activation", "activation", String);
    bind("net-batch", "batch", (v) => (v === "full" ? s.samples : Number(v)));
    for (const a of this.meta.activations) $("net-activation").append(new Option(a, a));
    for (const b of BATCHES) $("net-batch").append(new Option(b === "full" ? tr("web.net.full_batch") : String(b), String(b)));
    $("net-play").addEventListener("click", () => (this.stream ? this.pause() : this.play()));
    $("net-step").addEventListener("click", () => this.run({ to: s.at + 1, fps: 0, perFrame: 1, loop: false }));
    $("net-reset").addEventListener("click", () => { s.at = 0; this.restart(); });
    $("net-speed").addEventListener("change", () => {
      s.speed = Number($("net-speed").value);
      this.app.writeUrl();
      if (this.stream) { this.pause(); this.play(); }
    });
  }

  syncControls() {
    const s = this.state;
    for (const b of document.querySelectorAll("#datasets button")) b.setAttribute("aria-pressed", String(b.dataset.data === s.data));
    $("net-samples").value = String(s.samples);
    $("net-noise").value = String(s.noise);
    $("net-seed").value = String(s.seed);
    $("net-hidden").value = s.hidden;
    $("net-activation").value = s.activation.replace("_", "-");
    $("net-batch").value = s.batch >= s.samples ? "full" : String(s.batch);
    $("net-speed").value = String(s.speed);
    const box = $("net-optimizer");
    box.replaceChildren(optimizerCard(this.meta, s.opt, "#0b3954", {
      removable: false,
      onchange: ({ renamed }) => {
        if (renamed) s.opt.hyper = { lr: s.opt.name.includes("adadelta") ? 1.0 : 0.03 };
        this.changed(renamed);
      },
    }));
  }

  changed(rebuild = true) {
    this.state.at = 0;
    if (this.state.batch > this.state.samples) this.state.batch = this.state.samples;
    if (rebuild) this.syncControls();
    this.restart();
  }

  load() {
    this.syncControls();
    this.restart();
  }

  // Draws step `at` of the run (0, or where a shared link paused), without pacing.
  restart() {
    this.stopStream();
    this.losses = [];
    this.frame = null;
    this.setupData = null;
    this.app.writeUrl();
    this.run({ from: 0, to: this.state.at, fps: 0, perFrame: Math.max(1, this.state.at), loop: false, history: true });
  }

  play() {
    this.run({ to: this.meta.limits.network_steps, fps: 30, perFrame: this.state.speed, loop: true });
  }

  pause() {
    this.stopStream();
    this.app.writeUrl();
  }

  run({ from = this.state.at, to, fps, perFrame, loop, history = false }) {
    this.stopStream();
    const q = netQuery(this.state);
    q.set("grid", "64");
    q.set("from", String(from));
    q.set("to", String(Math.max(from, to)));
    q.set("fps", String(fps));
    q.set("per_frame", String(perFrame));
    if (history) q.set("history", "1");
    const ticket = ++this.ticket;
    const stream = openStream(`/api/network/stream?${q}`, {
      events: {
        setup: (setup) => {
          if (ticket !== this.ticket) return;
          this.setupData = setup;
        },
        frame: (frame) => {
          if (ticket !== this.ticket) return;
          if (frame.step < this.losses.length) this.losses.length = frame.step;
          for (const v of frame.losses) this.losses.push(v);
          this.frame = frame;
          this.state.at = frame.step;
          this.dirty = true;
        },
        end: () => {},
      },
      onerror: (message) => this.app.error(message),
      onclose: () => {
        if (this.stream === stream) { this.stream = null; this.playing(false); }
        if (ticket === this.ticket) { this.app.writeUrl(); this.dirty = true; }
      },
    });
    if (loop) { this.stream = stream; this.playing(true); }
  }

  stopStream() {
    stopStreamOf(this);
  }

  playing(on) {
    playButton($("net-play"), on);
  }

  draw() {
    const setup = this.setupData;
    if (!setup || !this.frame) return;
    const now = performance.now();
    this.draws.push(now);
    while (this.draws.length && this.draws[0] < now - 1000) this.draws.shift();
    const stage = this.canvas.parentElement;
    const size = Math.max(320, Math.min(stage.clientWidth - 20, window.innerHeight - 150));
    const ctx = fitCanvas(this.canvas, size, size);
    const frame = new Frame(setup.bounds, { left: 58, top: 12, width: size - 72, height: size - 66 });
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    this.image = byteImage(this.frame.heat, setup.grid, (code) => SHADES[code], this.image);
    drawImage(ctx, frame, this.image, true);
    this.points(ctx, frame, setup);
    drawAxes(ctx, frame, "x₁", "x₂");
    this.drawLoss();
    this.stats();
  }

  points(ctx, frame, setup) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(frame.box.left, frame.box.top, frame.box.width, frame.box.height);
    ctx.clip();
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "#14202b";
    for (let k = 0; k < setup.classes; k++) {
      ctx.beginPath();
      setup.points.forEach(([x, y], i) => {
        if (setup.labels[i] !== k) return;
        const px = frame.sx(x);
        const py = frame.sy(y);
        ctx.moveTo(px + 5, py);
        ctx.arc(px, py, 5, 0, 2 * Math.PI);
      });
      ctx.fillStyle = CLASS_COLOURS[k];
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
  }

  drawLoss() {
    const width = this.lossCanvas.parentElement.clientWidth - 32;
    const ctx = fitCanvas(this.lossCanvas, width, 260);
    const smooth = [];
    let avg = null;
    for (const v of this.losses) {
      avg = avg === null ? v : 0.95 * avg + 0.05 * v;
      smooth.push(avg);
    }
    lineChart(ctx, width, 260, [
      { values: this.losses, colour: "#9aa7b1", width: 1, alpha: 0.7 },
      { values: smooth, colour: "#0b3954", width: 2.6 },
    ], { log: this.losses.every((v) => v > 0), xmax: Math.max(10, this.losses.length), xlabel: tr("web.net.step_axis"), cursor: null });
  }

  stats() {
    const f = this.frame;
    const setup = this.setupData;
    const fps = this.stream ? this.draws.length : 0;
    const rows = [
      [tr("web.net.step"), `${f.step}`],
      [tr("web.net.epoch"), tr("web.net.epoch_value", { epoch: f.epoch, steps: setup.batches_per_epoch })],
      [tr("web.net.loss"), f.loss === null ? "–" : fmt(f.loss, 4)],
      [tr("web.net.accuracy"), `${(100 * f.accuracy).toFixed(1)} %`],
      [tr("web.net.parameters"), `${setup.parameters}`],
      [tr("web.net.fps"), this.stream ? `${fps}` : "–"],
    ];
    const dl = $("net-stats");
    dl.replaceChildren();
    for (const [k, v] of rows) {
      const dt = el("dt");
      dt.textContent = k;
      const dd = el("dd");
      dd.textContent = v;
      dl.append(dt, dd);
    }
    if (f.stopped) {
      const dd = el("dd", "bad");
      dd.textContent = f.stopped;
      dd.style.gridColumn = "1 / -1";
      dl.append(dd);
    }
    const status = $("status");
    Object.assign(status.dataset, { step: String(f.step), loss: String(f.loss), accuracy: String(f.accuracy), fps: String(fps) });
    status.classList.remove("error");
    const loss = f.loss === null ? "–" : fmt(f.loss, 4);
    status.textContent = tr("web.net.status", { step: f.step, epoch: f.epoch, loss, accuracy: (100 * f.accuracy).toFixed(1) }) +
      `${f.stopped ? ` · ${f.stopped}` : ""} · ${this.stream ? tr("web.net.frames_per_s", { fps }) : tr("web.paused")}`;
    this.app.painted();
  }
}
