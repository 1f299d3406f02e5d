// Canvas drawing shared by both views: plot frames, axes, heat-maps, paths, line charts.

export const INK = "#14202b";
export const MUTED = "#5b6b78";

// Sizes the canvas for the screen's pixel ratio; resizing reallocates it, so only on a change.
export function fitCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

// Maps data coordinates (x0..x1, y0..y1) to a box of pixels (y upwards) and back.
export class Frame {
  constructor(bounds, box) {
    [this.x0, this.x1, this.y0, this.y1] = bounds;
    this.box = box;
  }
  sx(x) { return this.box.left + ((x - this.x0) / (this.x1 - this.x0)) * this.box.width; }
  sy(y) { return this.box.top + (1 - (y - this.y0) / (this.y1 - this.y0)) * this.box.height; }
  ix(px) { return this.x0 + ((px - this.box.left) / this.box.width) * (this.x1 - this.x0); }
  iy(py) { return this.y0 + (1 - (py - this.box.top) / this.box.height) * (this.y1 - this.y0); }
  inside(px, py) {
    const b = this.box;
    return px >= b.left && px <= b.left + b.width && py >= b.top && py <= b.top + b.height;
  }
}

export function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(digits - 2).replace("e+", "e");
  return Number(v.toPrecision(digits)).toString();
}

export function niceTicks(lo, hi, count = 6) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

export function drawAxes(ctx, frame, xlabel, ylabel) {
  const b = frame.box;
  ctx.save();
  ctx.strokeStyle = "#9aa7b1";
  ctx.lineWidth = 1;
  ctx.strokeRect(b.left, b.top, b.width, b.height);
  ctx.fillStyle = INK;
  ctx.font = "13px Inter, 'Segoe UI', Arial, 'kobai-ja', sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of niceTicks(frame.x0, frame.x1, 8)) {
    const x = frame.sx(t);
    ctx.fillRect(x - 0.5, b.top + b.height, 1, 5);
    ctx.fillText(fmt(t, 3), x, b.top + b.height + 7);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of niceTicks(frame.y0, frame.y1, 8)) {
    const y = frame.sy(t);
    ctx.fillRect(b.left - 5, y - 0.5, 5, 1);
    ctx.fillText(fmt(t, 3), b.left - 8, y);
  }
  ctx.font = "italic 16px Georgia, 'Times New Roman', serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "alphabetic";
  ctx.fillText(xlabel, b.left + b.width / 2, b.top + b.height + 40);
  ctx.save();
  ctx.translate(b.left - 44, b.top + b.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(ylabel, 0, 0);
  ctx.restore();
  ctx.restore();
}

// An n x n image from base64 bytes (rows from the bottom), through a colour function.
export function byteImage(base64, n, colourOf, reuse = null) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const canvas = reuse || document.createElement("canvas");
  if (canvas.width !== n || canvas.height !== n) {
    canvas.width = n;
    canvas.height = n;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(n, n);
  for (let row = 0; row < n; row++) {
    const target = (n - 1 - row) * n; // canvas rows run from the top
    for (let col = 0; col < n; col++) {
      const [r, g, b] = colourOf(bytes[row * n + col]);
      const k = (target + col) * 4;
      image.data[k] = r;
      image.data[k + 1] = g;
      image.data[k + 2] = b;
      image.data[k + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

export function drawImage(ctx, frame, image, smooth = true) {
  const b = frame.box;
  ctx.save();
  ctx.imageSmoothingEnabled = smooth;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(image, b.left, b.top, b.width, b.height);
  ctx.restore();
}

export function hexToRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function drawContours(ctx, frame, contours) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.box.left, frame.box.top, frame.box.width, frame.box.height);
  ctx.clip();
  ctx.strokeStyle = "rgba(20, 32, 43, 0.38)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const { lines } of contours) {
    for (const line of lines) {
      ctx.moveTo(frame.sx(line[0]), frame.sy(line[1]));
      for (let i = 2; i < line.length; i += 2) ctx.lineTo(frame.sx(line[i]), frame.sy(line[i + 1]));
    }
  }
  ctx.stroke();
  ctx.restore();
}

export function drawPath(ctx, frame, points, colour, current) {
  if (!points.length) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.box.left, frame.box.top, frame.box.width, frame.box.height);
  ctx.clip();
  ctx.lineJoin = "round";
  ctx.lineCap = "round";
  for (const [style, width] of [["rgba(255,255,255,0.9)", 5.5], [colour, 2.8]]) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(frame.sx(points[0][0]), frame.sy(points[0][1]));
    for (let i = 1; i < points.length; i++) ctx.lineTo(frame.sx(points[i][0]), frame.sy(points[i][1]));
    ctx.stroke();
  }
  if (points.length <= 120) {
    ctx.fillStyle = colour;
    for (const [x, y] of points) {
      ctx.beginPath();
      ctx.arc(frame.sx(x), frame.sy(y), 2.6, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  const [x, y] = current || points[points.length - 1];
  ctx.beginPath();
  ctx.arc(frame.sx(x), frame.sy(y), 7.5, 0, 2 * Math.PI);
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = "#fff";
  ctx.stroke();
  ctx.restore();
}

export function drawCross(ctx, frame, [x, y], size = 9) {
  const px = frame.sx(x);
  const py = frame.sy(y);
  ctx.save();
  ctx.lineCap = "round";
  for (const [style, width] of [["#fff", 6], [INK, 3]]) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(px - size, py - size);
    ctx.lineTo(px + size, py + size);
    ctx.moveTo(px + size, py - size);
    ctx.lineTo(px - size, py + size);
    ctx.stroke();
  }
  ctx.restore();
}

export function drawStar(ctx, frame, [x, y], r = 10) {
  const px = frame.sx(x);
  const py = frame.sy(y);
  if (!frame.inside(px, py)) return;
  ctx.save();
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 ? r * 0.45 : r;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    ctx.lineTo(px + radius * Math.cos(a), py + radius * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = "#fff";
  ctx.fill();
  ctx.lineWidth = 1.8;
  ctx.strokeStyle = INK;
  ctx.stroke();
  ctx.restore();
}

// A line chart of several series over steps 0..xmax, on a log or linear y axis.
export function lineChart(ctx, width, height, series, { log, xmax, xlabel, cursor }) {
  ctx.clearRect(0, 0, width, height);
  const box = { left: 62, top: 10, width: width - 76, height: height - 52 };
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!all.length) return null;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const tx = log ? (v) => Math.log10(v) : (v) => v;
  lo = tx(lo);
  hi = tx(hi);
  if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  const frame = new Frame([0, Math.max(1, xmax), lo - pad, hi + pad], box);
  ctx.save();
  ctx.strokeStyle = "#e3e8ec";
  ctx.fillStyle = MUTED;
  ctx.font = "12px Inter, 'Segoe UI', Arial, 'kobai-ja', sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yTicks = log ? logTicks(lo - pad, hi + pad) : niceTicks(lo - pad, hi + pad, 5);
  for (const t of yTicks) {
    const y = frame.sy(t);
    ctx.beginPath();
    ctx.moveTo(box.left, y);
    ctx.lineTo(box.left + box.width, y);
    ctx.stroke();
    ctx.fillText(log ? `1e${t}` : fmt(t, 3), box.left - 6, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of niceTicks(0, frame.x1, 6)) ctx.fillText(fmt(t, 4), frame.sx(t), box.top + box.height + 6);
  ctx.fillText(xlabel, box.left + box.width / 2, box.top + box.height + 26);
  ctx.strokeStyle = "#9aa7b1";
  ctx.strokeRect(box.left, box.top, box.width, box.height);
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = s.width || 2.4;
    ctx.globalAlpha = s.alpha || 1;
    ctx.beginPath();
    let started = false;
    const stride = Math.max(1, Math.floor(s.values.length / (box.width * 2)));
    for (let i = 0; i < s.values.length; i += stride) {
      const v = s.values[i];
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      const px = frame.sx((s.offset || 0) + i);
      const py = frame.sy(tx(v));
      if (started) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      started = true;
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  if (cursor !== null && cursor !== undefined) {
    ctx.strokeStyle = INK;
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(frame.sx(cursor), box.top);
    ctx.lineTo(frame.sx(cursor), box.top + box.height);
    ctx.stroke();
  }
  ctx.restore();
  return frame;
}

function logTicks(lo, hi) {
  const ticks = [];
  const step = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let t = Math.ceil(lo); t <= Math.floor(hi); t += step) ticks.push(t);
  return ticks;
}
