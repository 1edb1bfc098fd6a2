// The artist's brief: one A4 sheet (1240×1754 px, 150 dpi) an SMP artist
// works from. Its heart is the hairline map: a close-up of the scalp with
// the designed line drawn on it and its landmarks dimensioned in cm, as the
// artist measures them with a ruler from the glabella before drawing the
// line with a pencil: A the mid-frontal point, B and C the frontotemporal
// corners, D and E the temple points (src/hairline.rs, `landmarks`). Below
// it the measurements, before and after at the map's scale with the share
// link as a QR code beside them (./qr.js), the pigment, dot size and
// density, the session plan, and the design file as a small appendix.
//
// Every text run goes through one Sheet, which measures it against the box
// it must fit (ctx.measureText) and records the runs and any overflow; the
// test hook hands them to the browser tests (tests/e2e/brief.spec.mjs).

import { qrEncode } from './qr.js';

const W = 1240;
const H = 1754;
const M = 60;
const CW = W - 2 * M;
const INK = '#15202b';
const MUTED = '#54636b';
const LINE = '#d1495b';
const SANS = 'system-ui, sans-serif';

/** Text drawn into boxes, each run measured and recorded. */
class Sheet {
  constructor() {
    this.canvas = new OffscreenCanvas(W, H);
    this.ctx = this.canvas.getContext('2d');
    this.runs = [];
    this.overflows = [];
  }

  /** One line of `text` at (x, y) (baseline) in a box `w` wide whose
   * bottom is `bottom`; `align` 'left' | 'center' | 'right' about x. */
  text(text, x, y, w, { font = `400 20px ${SANS}`, color = INK, align = 'left', bottom = H - M } = {}) {
    const ctx = this.ctx;
    ctx.font = font;
    ctx.fillStyle = color;
    ctx.textAlign = align;
    ctx.textBaseline = 'alphabetic';
    const width = ctx.measureText(text).width;
    const left = align === 'left' ? x : align === 'right' ? x - w : x - w / 2;
    const run = { text, x: left, y, w, width, font };
    this.runs.push(run);
    if (width > w + 0.5 || y > bottom || left < 0 || left + w > W) this.overflows.push(run);
    ctx.fillText(text, x, y);
    ctx.textAlign = 'left';
    return width;
  }

  /** `text` wrapped at spaces into lines `lineH` apart, at most `maxLines`;
   * returns the y below the last line. */
  para(text, x, y, w, lineH, { maxLines = 3, ...opts } = {}) {
    const ctx = this.ctx;
    ctx.font = opts.font || `400 20px ${SANS}`;
    const lines = [];
    let line = '';
    for (const word of String(text).split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (line && ctx.measureText(next).width > w) {
        lines.push(line);
        line = word;
      } else {
        line = next;
      }
    }
    if (line) lines.push(line);
    lines.forEach((l, i) => {
      // A line past the allowed number counts as an overflow (drawn below
      // the box's bottom, where the test finds it).
      const bottom = i < maxLines ? (opts.bottom ?? H - M) : -1;
      this.text(l, x, y + i * lineH, w, { ...opts, bottom });
    });
    return y + Math.max(1, lines.length) * lineH;
  }

  /** A label on a white pill centred at (cx, cy), kept inside `box`. */
  label(text, cx, cy, box, { font = `600 19px ${SANS}`, color = INK } = {}) {
    const ctx = this.ctx;
    ctx.font = font;
    const width = ctx.measureText(text).width;
    const h = 26;
    const x = Math.min(Math.max(cx - width / 2 - 6, box.x + 2), box.x + box.w - width - 14);
    const y = Math.min(Math.max(cy - h / 2, box.y + 2), box.y + box.h - h - 2);
    ctx.fillStyle = 'rgba(255,255,255,0.88)';
    ctx.beginPath();
    ctx.roundRect(x, y, width + 12, h, 6);
    ctx.fill();
    this.text(text, x + 6, y + 19, Math.min(width, box.w - 16), { font, color, bottom: box.y + box.h });
  }
}

/** The image rectangle the map shows: the landmarks and the glabella with
 * room around them, widened or heightened to the map's aspect ratio. */
function mapRect(g, aspect) {
  const pts = [g.glabellaPx, g.midFrontalPx, ...g.cornersPx, ...g.templesPx];
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const y0 = Math.min(...ys), y1 = Math.max(...ys);
  const span = Math.max(y1 - y0, 1);
  let r = { x: x0 - 0.1 * (x1 - x0), y: y0 - 0.3 * span, w: 1.2 * (x1 - x0), h: 1.45 * span };
  if (r.w / r.h < aspect) {
    const w = r.h * aspect;
    r = { ...r, x: r.x - (w - r.w) / 2, w };
  } else {
    const h = r.w / aspect;
    r = { ...r, y: r.y - (h - r.h) / 2, h };
  }
  return r;
}

function arrow(ctx, a, b, { color = INK, width = 2, ends = true } = {}) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x, b.y);
  ctx.stroke();
  if (!ends) return;
  const head = (p, q) => {
    const ang = Math.atan2(p.y - q.y, p.x - q.x);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x - 11 * Math.cos(ang - 0.4), p.y - 11 * Math.sin(ang - 0.4));
    ctx.lineTo(p.x - 11 * Math.cos(ang + 0.4), p.y - 11 * Math.sin(ang + 0.4));
    ctx.closePath();
    ctx.fill();
  };
  head(a, b);
  head(b, a);
}

/**
 * Paint the brief. `data`: {t (strings), clinic, date, design, calibration,
 * thirds, geometry (Visualizer.briefGeometry()), noLine (no face found
 * yet: the photo without a line), render(rect, k) (a rect of the photo at
 * k sheet px per image px, see export.js renderRect), num(x, digits),
 * shareLink (the design's link, drawn as a QR code when it fits)}.
 * The QR code's geometry is returned too (layout.qr), for the tests.
 * Returns {canvas, layout: {runs, overflows}}.
 */
export async function paintBrief(data) {
  const { t, design: d, geometry: g, num } = data;
  const b = t.briefSheet;
  const cm = (mm) => `${num(mm / 10, 1)} cm`;
  const s = new Sheet();
  const ctx = s.ctx;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);

  // ---- header
  let y = M + 20;
  if (data.clinic) s.text(data.clinic.toUpperCase(), M, y, CW, { font: `600 22px ${SANS}` });
  s.text(t.briefTitle, M, y + 46, CW, { font: `700 40px ${SANS}` });
  s.text(`${data.date} · ${t.styles[d.style]} · ${t.heightValue(num(d.height_mm / 10, 1))}`, M, y + 80, CW, { font: `400 22px ${SANS}`, color: MUTED });

  // ---- the hairline map
  y = M + 150;
  s.text(b.map, M, y, CW, { font: `700 26px ${SANS}` });
  s.para(b.mapNote, M, y + 28, CW, 22, { font: `400 18px ${SANS}`, color: MUTED, maxLines: 2 });
  const map = { x: M, y: M + 226, w: CW, h: 500 };
  const rect = mapRect(g, map.w / map.h);
  const k = map.w / rect.w;
  const view = data.render(rect, k);
  ctx.fillStyle = '#e9ecef';
  ctx.fillRect(map.x, map.y, map.w, map.h);
  ctx.drawImage(view.before, map.x + view.x, map.y + view.y);
  ctx.fillStyle = 'rgba(255,255,255,0.25)'; // a lighter photo: the drawing reads on top
  ctx.fillRect(map.x, map.y, map.w, map.h);
  const at = (p) => ({ x: map.x + (p.x - rect.x) * k, y: map.y + (p.y - rect.y) * k });
  ctx.save();
  ctx.beginPath();
  ctx.rect(map.x, map.y, map.w, map.h);
  ctx.clip();
  const G = at(g.glabellaPx), A = at(g.midFrontalPx);
  const [B, C] = g.cornersPx.map(at);
  const [D, E] = g.templesPx.map(at);
  const L = g.landmarks;
  if (!data.noLine) {
    ctx.strokeStyle = LINE;
    ctx.lineWidth = 4;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let i = 0; i < g.linePx.length; i += 2) {
      const p = at({ x: g.linePx[i], y: g.linePx[i + 1] });
      if (i) ctx.lineTo(p.x, p.y);
      else ctx.moveTo(p.x, p.y);
    }
    ctx.stroke();
    // Dimensions: G to A up the midline, B to C across above the corners,
    // each corner down to its temple point (offset outwards).
    arrow(ctx, { x: G.x, y: G.y - 10 }, { x: A.x, y: A.y + 10 });
    const up = Math.min(B.y, C.y) - 34;
    arrow(ctx, { x: B.x, y: up }, { x: C.x, y: up });
    ctx.setLineDash([5, 5]);
    arrow(ctx, B, { x: B.x, y: up }, { width: 1, ends: false });
    arrow(ctx, C, { x: C.x, y: up }, { width: 1, ends: false });
    ctx.setLineDash([]);
    const out = (p, q, side) => {
      const dx = q.x - p.x, dy = q.y - p.y, len = Math.hypot(dx, dy) || 1;
      const n = { x: (-dy / len) * 22 * side, y: (dx / len) * 22 * side };
      return [{ x: p.x + n.x, y: p.y + n.y }, { x: q.x + n.x, y: q.y + n.y }];
    };
    const [b1, b2] = out(B, D, 1);
    const [c1, c2] = out(C, E, -1);
    arrow(ctx, b1, b2);
    arrow(ctx, c1, c2);
    for (const [p, name] of [[A, 'A'], [B, 'B'], [C, 'C'], [D, 'D'], [E, 'E']]) {
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = INK;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(p.x, p.y, 7, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      const dy = name === 'D' || name === 'E' ? 30 : -24;
      const dx = name === 'A' ? -26 : name === 'B' || name === 'D' ? -24 : 24;
      s.label(name, p.x + dx, p.y + dy, map, { font: `700 20px ${SANS}` });
    }
    s.label(cm(L.midFrontal.y), G.x + 56, (G.y + A.y) / 2, map);
    s.label(cm(L.cornerWidthMm), (B.x + C.x) / 2, up - 18, map);
    s.label(cm(L.cornerToTempleMm[0]), (b1.x + b2.x) / 2 - 44, (b1.y + b2.y) / 2, map);
    s.label(cm(L.cornerToTempleMm[1]), (c1.x + c2.x) / 2 + 44, (c1.y + c2.y) / 2, map);
  }
  // The glabella: where every height is measured from.
  ctx.strokeStyle = INK;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(G.x - 12, G.y);
  ctx.lineTo(G.x + 12, G.y);
  ctx.moveTo(G.x, G.y - 12);
  ctx.lineTo(G.x, G.y + 12);
  ctx.stroke();
  s.label('G', G.x - 26, G.y + 20, map, { font: `700 20px ${SANS}` });
  // A 1 cm bar at the brows' depth.
  const bar = g.pxPerMm * 10 * k;
  const bx = map.x + 20, by = map.y + map.h - 22;
  ctx.fillStyle = 'rgba(255,255,255,0.88)';
  ctx.fillRect(bx - 8, by - 17, bar + 16, 26);
  ctx.fillStyle = INK;
  ctx.fillRect(bx, by - 4, bar, 6);
  ctx.fillRect(bx, by - 10, 2, 12);
  ctx.fillRect(bx + bar - 2, by - 10, 2, 12);
  ctx.restore();
  ctx.font = `600 16px ${SANS}`;
  s.label(b.scaleBar, bx + bar + 20 + ctx.measureText(b.scaleBar).width / 2, by - 4, map, { font: `600 16px ${SANS}` });

  // ---- measurements (left) and pigment and plan (right)
  const top = map.y + map.h + 44;
  const colW = 525;
  const bottom = top + 440;
  let ly = top;
  s.text(b.measures, M, ly, colW, { font: `700 24px ${SANS}`, bottom });
  ly += 34;
  const cols = [M, M + 296, M + 400];
  const widths = [290, 98, 125];
  b.columns.forEach((h, i) => s.text(h, cols[i], ly, widths[i], { font: `600 17px ${SANS}`, color: MUTED, bottom }));
  ly += 32;
  const rows = [
    [b.points.A, L.midFrontal],
    [b.points.B, L.corners[0]],
    [b.points.C, L.corners[1]],
    [b.points.D, L.temples[0]],
    [b.points.E, L.temples[1]],
  ];
  for (const [name, p] of rows) {
    s.text(name, cols[0], ly, widths[0], { font: `400 19px ${SANS}`, bottom });
    s.text(cm(p.y), cols[1], ly, widths[1], { font: `600 19px ${SANS}`, bottom });
    s.text(cm(Math.abs(p.x)), cols[2], ly, widths[2], { font: `400 19px ${SANS}`, bottom });
    ly += 31;
  }
  ly += 10;
  s.text(b.distances, M, ly, colW, { font: `600 19px ${SANS}`, bottom });
  ly += 32;
  const chips = [
    ['A–B', L.midToCornerMm[0]], ['A–C', L.midToCornerMm[1]], ['B–C', L.cornerWidthMm],
    ['B–D', L.cornerToTempleMm[0]], ['C–E', L.cornerToTempleMm[1]], ['D–E', L.templeWidthMm],
  ];
  chips.forEach(([pair, mm], i) => {
    s.text(`${pair}  ${cm(mm)}`, M + (i % 3) * 175, ly + Math.floor(i / 3) * 30, 165, { font: `400 19px ${SANS}`, bottom });
  });
  ly += 66;
  s.para(b.sides, M, ly, colW, 22, { font: `italic 400 17px ${SANS}`, color: MUTED, maxLines: 2, bottom });

  const rx = M + colW + 50;
  const rw = CW - colW - 50;
  let ry = top;
  s.text(b.pigment, rx, ry, rw, { font: `700 24px ${SANS}`, bottom });
  ry += 34;
  const shade = t.shades[d.shade] || `${t.shades.custom} ${d.shade}`;
  const cal = data.calibration;
  const info = [
    [t.shade, shade],
    [t.dotSize, t.dotValue(num(d.dot_mm, 2))],
    [t.density, t.densityValue(num(d.density, 0))],
    [t.look, t[d.look]],
    [t.ipd, cal ? `${t.ipdValue(num(cal.ipdMm, 1))} · ${cal.source === 'estimated' ? t.scaleEstimated : t.scaleMeasured}` : '—'],
    ...(data.thirds ? [[t.thirdsLabel, `${data.thirds.cm.join(' · ')} cm`]] : []),
  ];
  const labelW = 170;
  for (const [k2, v] of info) {
    const below = s.para(k2, rx, ry, labelW - 12, 22, { font: `600 17px ${SANS}`, maxLines: 2, bottom });
    ry = Math.max(below, s.para(String(v), rx + labelW, ry, rw - labelW, 22, { font: `400 17px ${SANS}`, maxLines: 2, bottom })) + 6;
  }
  ry += 6;
  s.text(b.sessions, rx, ry, rw, { font: `600 19px ${SANS}`, bottom });
  ry += 28;
  for (const line of b.sessionSteps) {
    ry = s.para(line, rx, ry, rw, 22, { font: `400 17px ${SANS}`, maxLines: 2, bottom }) + 2;
  }
  s.para(t.sessionPlan(d.session ?? 3), rx, ry + 4, rw, 22, { font: `italic 400 17px ${SANS}`, color: MUTED, maxLines: 2, bottom });

  // ---- before and after at the map's scale, around the mid-frontal point
  const py = bottom + 20;
  s.text(b.pair, M, py, CW, { font: `700 24px ${SANS}` });
  // The share link as a QR code beside the pair, when it fits at two
  // pixels a module or more (a design with many painted strokes makes a
  // link too long: the appendix below still carries the design).
  const qrBox = 230;
  let qr = null;
  if (data.shareLink) {
    try {
      const code = qrEncode(data.shareLink, { ecl: 'M' });
      const px = Math.floor(qrBox / (code.size + 8));
      if (px >= 2) qr = { ...code, px };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // too long for any QR code
    }
  }
  const ph = 290;
  const pw = qr ? (CW - 40 - qrBox) / 2 : (CW - 20) / 2;
  // Centred on the mid-frontal point, a little more below it than above:
  // the line, the dots behind it and the forehead in front.
  const around = { x: g.midFrontalPx.x - pw / k / 2, y: g.midFrontalPx.y - (ph / k) * 0.4, w: pw / k, h: ph / k };
  const pair = data.render(around, k);
  for (const [i, canvas, name] of [[0, pair.before, t.before], [1, pair.after, t.after]]) {
    const x = M + i * (pw + 20), top2 = py + 14;
    ctx.fillStyle = '#e9ecef';
    ctx.fillRect(x, top2, pw, ph);
    ctx.drawImage(canvas, x + pair.x, top2 + pair.y);
    s.label(name, x + 50, top2 + 22, { x, y: top2, w: pw, h: ph });
  }
  if (qr) {
    const side = (qr.size + 8) * qr.px;
    const qx = M + CW - qrBox + Math.floor((qrBox - side) / 2), qy = py + 14;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(qx, qy, side, side);
    ctx.fillStyle = '#000000';
    for (let y = 0; y < qr.size; y++) {
      for (let x = 0; x < qr.size; x++) {
        if (qr.modules[y * qr.size + x]) ctx.fillRect(qx + (x + 4) * qr.px, qy + (y + 4) * qr.px, qr.px, qr.px);
      }
    }
    s.para(b.qr, M + CW - qrBox, qy + side + 18, qrBox, 19, { font: `400 15px ${SANS}`, color: MUTED, maxLines: 3, bottom: py + 14 + ph });
  }

  // ---- appendix: the design file, small
  const ay = py + 14 + ph + 40;
  s.text(b.appendix, M, ay, CW, { font: `600 17px ${SANS}`, color: MUTED });
  const json = JSON.stringify(d);
  ctx.font = `400 12px ui-monospace, monospace`;
  const perLine = Math.max(20, Math.floor(CW / ctx.measureText('0').width));
  const maxLines = Math.floor((H - M - (ay + 20)) / 15);
  const lines = [];
  for (let i = 0; i < json.length; i += perLine) lines.push(json.slice(i, i + perLine));
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines) shown[maxLines - 1] = b.appendixCut;
  shown.forEach((line, i) => s.text(line, M, ay + 20 + i * 15, CW, { font: `400 12px ui-monospace, monospace`, color: '#333' }));

  const qrLayout = qr && { version: qr.version, size: qr.size, px: qr.px, x: M + CW - qrBox + Math.floor((qrBox - (qr.size + 8) * qr.px) / 2), y: py + 14, text: data.shareLink };
  return { canvas: s.canvas, layout: { runs: s.runs, overflows: s.overflows, page: { width: W, height: H }, qr: qrLayout } };
}
