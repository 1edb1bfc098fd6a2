// Types for <hairline-visualizer>, the scalp-micropigmentation preview element.

export type HairlineStyle = 'natural' | 'soft' | 'defined' | 'mature' | 'widows-peak';
export type Look = 'healed' | 'fresh' | 'aged';

/** A brush stroke in millimetres on the head (origin: the glabella, y up). */
export interface Stroke {
  /** 'scar' marks a scar: it takes pigment lighter. */
  mode: 'add' | 'erase' | 'scar';
  radius_mm: number;
  points: [number, number][];
}

/** The design (version 1). All lengths are millimetres on the head. */
export interface Design {
  version: 1;
  style: HairlineStyle;
  /** Mid-frontal point above the glabella, 50–120. */
  height_mm: number;
  /** Corners above the mid-frontal point, 0–40. */
  recession_mm: number;
  /** Fade width at the front, 0–20. */
  feather_mm: number;
  /** Dots per cm² at full density, 10–150. */
  density: number;
  /** Mean dot diameter, 0.3–1.5. */
  dot_mm: number;
  /** Fitzpatrick type 'I'…'VI' or '#rrggbb'. */
  shade: string;
  look: Look;
  /** What the treatment covers (default 'hairline'). */
  mode?: 'hairline' | 'full' | 'thinning';
  /** Tone the remaining hair down to stubble (default false). */
  buzz_cut?: boolean;
  /** The visitor's remaining hair colour; the suggested shade follows it (default 'dark'). */
  hair?: 'dark' | 'brown' | 'blond' | 'grey' | 'white';
  /** Treatment session shown, 1–3 (3 = finished result). */
  session?: 1 | 2 | 3;
  seed: number;
  symmetric: boolean;
  /** Offsets (mm) of the seven control points from the style's preset. */
  adjust: [number, number][];
  zones: Stroke[];
}

export interface Point { x: number; y: number }

export interface Calibration {
  leftPupil: Point;
  rightPupil: Point;
  ipdMm: number;
  /** `tracked`: a snapshot of the live mirror, calibrated by its tracker. */
  source: 'estimated' | 'visitor' | 'detected' | 'tracked';
}

export interface VisualizerError extends Error {
  code: 'empty' | 'not-image' | 'heic' | 'corrupt' | 'too-small' | 'too-large' | 'fetch-failed'
    | 'invalid-image' | 'cancelled' | 'invalid-design' | 'invalid-calibration' | 'no-photo' | 'load-failed' | 'internal'
    | 'no-face' | 'several-faces' | 'face-too-small' | 'face-turned' | 'invalid' | 'models-unavailable'
    | 'brush' | 'export-failed' | 'camera-denied' | 'no-camera' | 'camera-busy' | 'no-mirror' | string;
  /** When the core refused the call: its own code (src/error.rs), e.g. 'out-of-range'. */
  reason?: string;
  /** The values of the core's failure (field, min, max, got, …). */
  params?: Record<string, unknown>;
}

/** What automatic placement found (image pixels; `ms`: detection time). */
export interface AutoPlaceResult {
  leftPupil: Point;
  rightPupil: Point;
  glabella: Point;
  /** Head roll in radians. */
  roll: number;
  pxPerMm: number;
  confidence: number;
  ms: number;
}

export interface ConsultRequestDetail {
  design: Design;
  calibration: Calibration | null;
  /** Small side-by-side before/after JPEG. */
  preview: Blob;
  /** Full-resolution render, only with the visitor's consent. */
  fullImage: Blob | null;
  consent: boolean;
}

/** One frame of the live mirror (`mirror-frame`). */
export interface MirrorFrameDetail {
  /** Frames shown per second over the last second. */
  fps: number;
  /** Milliseconds spent on this frame (grab, track, draw, show). */
  ms: number;
  /** Whether a face was followed on it (else the other numbers are 0). */
  tracked: boolean;
  /** Pupils in camera-frame pixels (not mirrored), smoothed. */
  leftPupil: Point;
  rightPupil: Point;
  /** Degrees: roll (positive: the right pupil lower), yaw (positive: nose towards the frame's right), pitch (positive: chin up). */
  roll: number;
  yaw: number;
  pitch: number;
  /** The camera frame's size. */
  width: number;
  height: number;
  /** Dots drawn on this frame. */
  dots: number;
  /** Where the frame was tracked: 'worker', or 'page' (the fallback, on frames 320 px wide). */
  thread: 'worker' | 'page';
  /** Milliseconds per stage inside the core. */
  stages: { detect: number; crop: number; landmarks: number; iris: number; pose: number; check: number; track: number; place: number; render: number; total: number };
}

export interface HairlineVisualizerEventMap extends HTMLElementEventMap {
  ready: CustomEvent<{ simd: boolean }>;
  'image-load': CustomEvent<{ width: number; height: number }>;
  'design-change': CustomEvent<Design>;
  render: CustomEvent<{ width: number; height: number; dots: number; ms: number }>;
  'auto-place': CustomEvent<AutoPlaceResult>;
  error: CustomEvent<{ code: string; message: string }>;
  'consult-request': CustomEvent<ConsultRequestDetail>;
  'mirror-frame': CustomEvent<MirrorFrameDetail>;
}

export declare class HairlineVisualizer extends HTMLElement {
  loadImage(source: File | Blob | string | ImageBitmap | HTMLImageElement): Promise<{ width: number; height: number }>;
  getDesign(): Design | null;
  setDesign(design: Design | string): void;
  setCalibration(calibration: { leftPupil: Point; rightPupil: Point; ipdMm?: number }): void;
  getCalibration(): Calibration | null;
  toBlob(options?: { type?: string; quality?: number }): Promise<Blob>;
  /** Finds the face and calibrates from it (runs by itself after each photo unless auto-place="off"). */
  autoPlace(): Promise<AutoPlaceResult>;
  /** The artist's brief as an A4 PNG. */
  designBrief(): Promise<Blob>;
  requestConsultation(): Promise<ConsultRequestDetail>;
  /** A URL whose fragment carries the design (never the photo). */
  shareLink(): string;
  /** The live mirror: asks for the camera and resolves with the camera frames' size once the first tracked frame is on screen.
   * Rejects with code 'camera-denied', 'no-camera' or 'camera-busy' (a message the visitor can read), or 'cancelled' if stopped first. */
  startMirror(options?: { facingMode?: 'user' | 'environment' }): Promise<{ width: number; height: number }>;
  /** Stops the mirror and releases the camera (also on removal, a hidden page, or scrolling out of view). */
  stopMirror(): void;
  /** The current camera frame, at the camera's resolution, becomes the photo, calibrated by the tracker (source 'tracked'); the design is kept and the mirror stops. Rejects with 'no-mirror' when none runs. */
  snapshot(): Promise<{ width: number; height: number }>;
  // Attributes reflected as properties (null when the attribute is absent).
  src: string | null;
  clinicName: string | null;
  ctaLabel: string | null;
  ctaHref: string | null;
  accent: string | null;
  defaultStyle: string | null;
  defaultShade: string | null;
  maxMegapixels: string | null;
  autoPlacement: string | null;
  baseUrl: string | null;
  undo(): void;
  redo(): void;
  clearPhoto(): void;
  addEventListener<K extends keyof HairlineVisualizerEventMap>(type: K, listener: (this: HairlineVisualizer, ev: HairlineVisualizerEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export declare function simdSupported(): boolean;

declare global {
  interface HTMLElementTagNameMap {
    'hairline-visualizer': HairlineVisualizer;
  }
}
