// Everything the element exports: the full-resolution image (toBlob, the
// download), the consultation request (its before/after preview and, with
// consent, the full image) and the artist's brief (painted by
// ./brief-sheet.js). The element's public methods forward here; each
// function takes the element (`host`) and reads its session through it.
//
// Memory stays bounded whatever the photo's size (up to max-megapixels):
// the previews and the brief are rendered straight at their output size
// through a preview view (the photo resampled, then the dots); only toBlob
// makes a full-resolution render, released as soon as the canvas has it.

import { formatNumber, visitorMessage } from '../i18n.js';
import { paintBrief } from './brief-sheet.js';
import { clamp, downloadBlob } from './dom.js';
import { VisualizerError } from './errors.js';

const needPhoto = (host) => {
  if (!host._vis || !host._photo) throw new VisualizerError('no-photo', host._t.errors.noPhoto);
};

/** The error to report for a failed export: ours as it is, anything else
 * in the visitor's words (a core error's own phrase, else the export error). */
export function exportError(host, e) {
  if (e instanceof VisualizerError) return e;
  const message = e?.code ? visitorMessage(host.getAttribute('lang'), e) : host._t.errors.exportFailed;
  return new VisualizerError('export-failed', message, e);
}

/** Render at the photo's full resolution and encode it. */
export async function toBlob(host, { type = 'image/png', quality } = {}) {
  needPhoto(host);
  const vis = host._vis;
  const { width, height } = host._photo;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (host._noFace) {
    // No face and no taps yet: there is no hairline to show, only the photo.
    vis.presentPhoto(ctx);
  } else {
    vis.renderFull();
    try {
      vis.presentFull(ctx);
    } finally {
      vis.releaseFull(); // the canvas has the pixels now
    }
  }
  return canvas.convertToBlob({ type, quality });
}

/**
 * `rect` of the photo (image px, clipped to it) rendered at `k` sheet px per
 * image px: `{before, after, x, y}`, two canvases of the clipped rect's
 * size and where they go relative to the unclipped rect's top left. The
 * on-screen view is restored afterwards.
 */
export function renderRect(host, rect, k) {
  const { width: w, height: h } = host._photo;
  const x0 = clamp(rect.x, 0, w), y0 = clamp(rect.y, 0, h);
  const x1 = clamp(rect.x + rect.w, 0, w), y1 = clamp(rect.y + rect.h, 0, h);
  const pw = Math.max(1, Math.round((x1 - x0) * k));
  const ph = Math.max(1, Math.round((y1 - y0) * k));
  const before = new OffscreenCanvas(pw, ph);
  const after = new OffscreenCanvas(pw, ph);
  // Nothing of the photo there (a line placed above a tightly cropped
  // photo): blank, transparent canvases.
  if (x1 - x0 < 1 || y1 - y0 < 1) return { before, after, x: 0, y: 0 };
  try {
    host._vis.setView(x0, y0, x1 - x0, y1 - y0, pw, ph);
    host._vis.renderPreview();
    host._vis.presentBase(before.getContext('2d'), 0, 0);
    // No face found and no taps: no line to show, the photo alone.
    if (host._noFace) host._vis.presentBase(after.getContext('2d'), 0, 0);
    else host._vis.presentPreview(after.getContext('2d'), 0, 0);
  } finally {
    host._requestRender(); // restores the on-screen view
  }
  return { before, after, x: (x0 - rect.x) * k, y: (y0 - rect.y) * k };
}

/**
 * A side-by-side before/after JPEG of the head, `width` pixels wide: each
 * half the head's square rendered straight at its output size.
 */
export async function beforeAfter(host, width) {
  const { width: w, height: h } = host._photo;
  const f = host._vis.frame();
  const cal = host._vis.calibration();
  // The head: from below the eyes up; as wide as it is tall.
  const ipd = Math.hypot(cal.rightPupil.x - cal.leftPupil.x, cal.rightPupil.y - cal.leftPupil.y);
  const side = Math.min(Math.max(ipd * 3.4, 64), w, h);
  const sx = clamp(f.glabella.x - side / 2, 0, w - side);
  const sy = clamp(f.glabella.y + ipd * 0.9 - side, 0, h - side);
  const half = Math.round(width / 2);
  const r = renderRect(host, { x: sx, y: sy, w: side, h: side }, half / side);
  const out = new OffscreenCanvas(half * 2, half);
  const ctx = out.getContext('2d');
  ctx.drawImage(r.before, 0, 0, half, half);
  ctx.drawImage(r.after, half, 0, half, half);
  return out.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

/**
 * Fire the cancelable `consult-request` event (see the element's
 * requestConsultation) and follow `cta-href` unless a listener cancels it.
 */
export async function requestConsultation(host) {
  needPhoto(host);
  const consent = host._consent.checked;
  const [preview, fullImage] = await Promise.all([
    beforeAfter(host, 480),
    consent ? toBlob(host, { type: 'image/jpeg', quality: 0.92 }) : Promise.resolve(null),
  ]);
  const detail = { design: host.getDesign(), calibration: host.getCalibration(), preview, fullImage, consent };
  const event = new CustomEvent('consult-request', { detail, cancelable: true });
  const proceed = host.dispatchEvent(event);
  const href = host._ctaHref;
  if (proceed && href) window.location.assign(href);
  return detail;
}

/** The last brief's text runs and overflows (read by the test hook). */
export const lastBriefLayout = new WeakMap();

/**
 * The design brief for the artist as an A4 PNG (1240×1754, 150 dpi): the
 * hairline map (a close-up of the scalp with the line and its landmarks
 * dimensioned in cm), the measurements, before and after at the map's
 * scale, shade, dot size, density and the session plan, and the design
 * file in a small appendix.
 */
export async function designBrief(host) {
  needPhoto(host);
  const t = host._t;
  const geometry = host._vis.briefGeometry();
  const sheet = await paintBrief({
    t,
    clinic: host.getAttribute('clinic-name') || '',
    date: new Intl.DateTimeFormat(t.locale, { dateStyle: 'long' }).format(new Date()),
    design: host.getDesign(),
    calibration: host.getCalibration(),
    thirds: host._faceThirds(),
    geometry,
    noLine: !!host._noFace,
    render: (rect, k) => renderRect(host, rect, k),
    num: (x, digits) => formatNumber(t, x, digits),
    shareLink: host.shareLink(),
  });
  lastBriefLayout.set(host, sheet.layout);
  return sheet.canvas.convertToBlob({ type: 'image/png' });
}

/** The brief button: download the sheet and open its print view. */
export async function downloadBrief(host, briefPageUrl) {
  try {
    host._setBusy(host._t.rendering);
    const blob = await designBrief(host);
    downloadBlob(blob, 'hairline-design-brief.png');
    // A print view of the same sheet (same origin: it can show our blob).
    const url = URL.createObjectURL(blob);
    window.open(`${briefPageUrl}#${encodeURIComponent(url)}`, '_blank', 'noopener=no');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    host._report(exportError(host, e), e);
  } finally {
    host._setBusy(null);
  }
}

/** The download button: the full-resolution PNG. */
export async function downloadImage(host) {
  try {
    host._setBusy(host._t.rendering);
    const blob = await toBlob(host, { type: 'image/png' });
    downloadBlob(blob, 'hairline-preview.png');
    host._showMessage(host._t.exportReady);
  } catch (e) {
    host._report(exportError(host, e), e);
  } finally {
    host._setBusy(null);
  }
}
