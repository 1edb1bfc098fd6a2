//! The One Euro filter (Casiez, Roussel & Vogel, "1€ Filter: A Simple
//! Speed-based Low-pass Filter for Noisy Input in Interactive Systems",
//! CHI 2012): an exponential low-pass whose cutoff rises with the signal's
//! speed, so a still signal is smoothed hard (no jitter) and a moving one
//! lightly (little lag).
//!
//! For each sample `x` at time `t` (interval `dt` seconds since the last):
//!
//! ```text
//! alpha(fc) = 1 / (1 + 1 / (2π fc dt))        (exact for any dt)
//! dx  = (x - x̂_prev) / dt,   d̂x = d̂x_prev + alpha(d_cutoff) (dx - d̂x_prev)
//! fc  = min_cutoff + beta |d̂x|
//! x̂   = x̂_prev + alpha(fc) (x - x̂_prev)
//! ```
//!
//! `alpha` is computed from the actual interval, so irregular frame times
//! (a camera at 15–60 fps, dropped frames) are handled as they come.
//!
//! Three flavours share that core: [`OneEuro`] (a scalar), [`OneEuro2`]
//! (a 2D point; one cutoff from the point's speed, so both axes lag
//! alike and a diagonal move is not bent) and [`AngleFilter`] (radians,
//! wrapping at ±π so a roll through 180° does not swing the long way round).
//!
//! Timestamps are milliseconds (what `performance.now()` and camera frames
//! give). A repeated or earlier timestamp, or a non-finite sample, leaves
//! the state untouched and returns the current estimate.

/// The filter's three knobs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OneEuroParams {
    /// Cutoff (Hz) when still. Lower = less jitter, more lag on slow drift.
    pub min_cutoff: f32,
    /// How fast the cutoff rises with speed, in Hz per (unit / s). It
    /// carries the signal's unit: for points in pixels, divide a beta set
    /// in "face sizes per second" by the face's size in pixels (see
    /// [`OneEuroParams::per_unit`]).
    pub beta: f32,
    /// Cutoff (Hz) of the speed estimate itself.
    pub d_cutoff: f32,
}

impl OneEuroParams {
    /// Tuned for face landmarks at 15–60 fps, with speeds measured in
    /// interpupillary distances (IPD) per second: scale with
    /// [`OneEuroParams::per_unit`] to the face's IPD in pixels.
    ///
    /// - `min_cutoff` 0.3 Hz: still, the output follows the input with a
    ///   time constant of about 0.5 s. On a 100 px face with 1 px of
    ///   landmark noise that cuts frame-to-frame jitter 3.5× at 15 fps,
    ///   5.2× at 30 fps and 8× at 60 fps (the unit tests measure it); the
    ///   tracker's still crop keeps the raw jitter low to begin with
    ///   (0.1–0.3 px on the test clips).
    /// - `beta` 15 Hz per IPD/s: a head moving at one IPD per second (about
    ///   6 cm/s, an unhurried move) raises the cutoff to 15 Hz, a lag of
    ///   about 1 % of the IPD; faster moves raise it further, so the lag in
    ///   pixels hardly grows (1.1 % at 3 IPD/s).
    /// - `d_cutoff` 1 Hz, the paper's default for the speed estimate: a
    ///   move is picked up within a few frames (at 0.5 Hz a face that
    ///   starts moving fast trailed by up to 7 % of the IPD on the test
    ///   clips; at 1 Hz 5 %).
    pub const LANDMARKS: OneEuroParams = OneEuroParams {
        min_cutoff: 0.3,
        beta: 15.0,
        d_cutoff: 1.0,
    };

    /// For head angles in radians (beta in Hz per rad/s): still, a 0.3 s
    /// time constant; turning at 1 rad/s (57°/s) raises the cutoff to
    /// 5.5 Hz, about 1.7° behind.
    pub const ANGLES: OneEuroParams = OneEuroParams {
        min_cutoff: 0.5,
        beta: 5.0,
        d_cutoff: 1.0,
    };

    /// These parameters for a signal measured in a unit `unit` times
    /// smaller than the one `beta` was set in (e.g. pixels, with `unit` =
    /// the face's IPD in pixels). Non-positive or non-finite `unit`s leave
    /// the parameters as they are.
    pub fn per_unit(self, unit: f32) -> OneEuroParams {
        if unit.is_finite() && unit > 0.0 {
            OneEuroParams {
                beta: self.beta / unit,
                ..self
            }
        } else {
            self
        }
    }
}

impl Default for OneEuroParams {
    fn default() -> Self {
        OneEuroParams::LANDMARKS
    }
}

/// Smoothing factor of an exponential low-pass with cutoff `fc` (Hz) for a
/// sample `dt` seconds after the last.
fn alpha(fc: f32, dt: f32) -> f32 {
    let fc = if fc.is_finite() { fc.max(1e-3) } else { 1e3 };
    let tau = 1.0 / (2.0 * std::f32::consts::PI * fc);
    1.0 / (1.0 + tau / dt)
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct State<const N: usize> {
    x: [f32; N],
    dx: [f32; N],
    t_ms: f64,
}

/// The filter over `N` coordinates that share one speed (its norm).
#[derive(Clone, Debug, PartialEq)]
struct Core<const N: usize> {
    params: OneEuroParams,
    state: Option<State<N>>,
}

impl<const N: usize> Core<N> {
    fn filter(&mut self, t_ms: f64, x: [f32; N]) -> [f32; N] {
        if !x.iter().all(|v| v.is_finite()) || !t_ms.is_finite() {
            return self.state.map_or(x, |s| s.x);
        }
        let Some(s) = self.state else {
            self.state = Some(State {
                x,
                dx: [0.0; N],
                t_ms,
            });
            return x;
        };
        let dt = ((t_ms - s.t_ms) / 1000.0) as f32;
        if dt.is_nan() || dt <= 0.0 {
            return s.x;
        }
        let p = self.params;
        let ad = alpha(p.d_cutoff, dt);
        let mut dx = [0.0; N];
        let mut speed2 = 0.0;
        for k in 0..N {
            let raw = (x[k] - s.x[k]) / dt;
            dx[k] = s.dx[k] + ad * (raw - s.dx[k]);
            speed2 += dx[k] * dx[k];
        }
        let a = alpha(p.min_cutoff + p.beta.max(0.0) * speed2.sqrt(), dt);
        let mut out = [0.0; N];
        for k in 0..N {
            out[k] = s.x[k] + a * (x[k] - s.x[k]);
        }
        if !out.iter().chain(&dx).all(|v| v.is_finite()) {
            // Overflow on absurd input: start again from this sample.
            self.state = Some(State {
                x,
                dx: [0.0; N],
                t_ms,
            });
            return x;
        }
        self.state = Some(State { x: out, dx, t_ms });
        out
    }
}

/// A One Euro filter for one number.
#[derive(Clone, Debug, PartialEq)]
pub struct OneEuro(Core<1>);

impl OneEuro {
    pub fn new(params: OneEuroParams) -> Self {
        OneEuro(Core {
            params,
            state: None,
        })
    }

    /// The filtered value for sample `x` at `t_ms`.
    pub fn filter(&mut self, t_ms: f64, x: f32) -> f32 {
        self.0.filter(t_ms, [x])[0]
    }

    /// The current estimate, if any sample was taken.
    pub fn value(&self) -> Option<f32> {
        self.0.state.map(|s| s.x[0])
    }

    pub fn params(&self) -> OneEuroParams {
        self.0.params
    }

    /// Change the parameters, keeping the state (e.g. `beta` rescaled as
    /// the face's size changes).
    pub fn set_params(&mut self, params: OneEuroParams) {
        self.0.params = params;
    }

    /// Forget the past: the next sample is taken as it is.
    pub fn reset(&mut self) {
        self.0.state = None;
    }
}

/// A One Euro filter for a 2D point: the cutoff follows the point's speed
/// (the length of its velocity), the same for both axes.
#[derive(Clone, Debug, PartialEq)]
pub struct OneEuro2(Core<2>);

impl OneEuro2 {
    pub fn new(params: OneEuroParams) -> Self {
        OneEuro2(Core {
            params,
            state: None,
        })
    }

    pub fn filter(&mut self, t_ms: f64, p: [f32; 2]) -> [f32; 2] {
        self.0.filter(t_ms, p)
    }

    pub fn value(&self) -> Option<[f32; 2]> {
        self.0.state.map(|s| s.x)
    }

    pub fn params(&self) -> OneEuroParams {
        self.0.params
    }

    pub fn set_params(&mut self, params: OneEuroParams) {
        self.0.params = params;
    }

    pub fn reset(&mut self) {
        self.0.state = None;
    }
}

/// `a` wrapped into (-π, π].
pub fn wrap_angle(a: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    if !a.is_finite() {
        return a;
    }
    let w = a - TAU * (a / TAU).round();
    if w <= -PI {
        w + TAU
    } else if w > PI {
        w - TAU
    } else {
        w
    }
}

/// A One Euro filter for an angle in radians. Each sample is taken as the
/// nearest turn to the current estimate, so crossing ±π is a small step;
/// the output is wrapped into (-π, π]. `beta` is in Hz per (rad/s).
#[derive(Clone, Debug, PartialEq)]
pub struct AngleFilter(Core<1>);

impl AngleFilter {
    pub fn new(params: OneEuroParams) -> Self {
        AngleFilter(Core {
            params,
            state: None,
        })
    }

    pub fn filter(&mut self, t_ms: f64, a: f32) -> f32 {
        let unwrapped = match self.0.state {
            Some(s) if a.is_finite() => s.x[0] + wrap_angle(a - s.x[0]),
            _ => a,
        };
        let out = self.0.filter(t_ms, [unwrapped])[0];
        // Keep the internal estimate near zero so it never loses precision.
        if let Some(s) = &mut self.0.state {
            s.x[0] = wrap_angle(s.x[0]);
        }
        wrap_angle(out)
    }

    pub fn value(&self) -> Option<f32> {
        self.0.state.map(|s| s.x[0])
    }

    pub fn params(&self) -> OneEuroParams {
        self.0.params
    }

    pub fn set_params(&mut self, params: OneEuroParams) {
        self.0.params = params;
    }

    pub fn reset(&mut self) {
        self.0.state = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Roughly Gaussian noise with standard deviation `sigma` (sum of
    /// uniforms).
    fn noise(rng: &mut Rng, sigma: f32) -> f32 {
        let s: f32 = (0..6).map(|_| rng.next_f32()).sum::<f32>() - 3.0;
        s * sigma * std::f32::consts::SQRT_2
    }

    /// RMS of frame-to-frame differences.
    fn jitter(xs: &[f32]) -> f32 {
        let n = xs.len() - 1;
        (xs.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f32>() / n as f32).sqrt()
    }

    /// IPD-normalised landmark parameters for a face 100 px wide.
    fn px() -> OneEuroParams {
        OneEuroParams::LANDMARKS.per_unit(100.0)
    }

    #[test]
    fn still_noise_is_cut_at_every_frame_rate() {
        for (fps, want) in [(15.0, 3.0), (30.0, 4.5), (60.0, 7.0)] {
            let mut rng = Rng::new(7);
            let mut f = OneEuro::new(px());
            let dt = 1000.0 / fps;
            let (mut raw, mut out) = (vec![], vec![]);
            for i in 0..600 {
                let x = 200.0 + noise(&mut rng, 1.0);
                raw.push(x);
                out.push(f.filter(i as f64 * dt, x));
            }
            // Skip the first second (the filter starts at the first sample).
            let skip = fps as usize;
            let factor = jitter(&raw[skip..]) / jitter(&out[skip..]);
            assert!(factor > want, "{fps} fps: jitter cut {factor:.1}× only");
            let mean = out[skip..].iter().sum::<f32>() / out[skip..].len() as f32;
            assert!((mean - 200.0).abs() < 0.2, "{mean}");
        }
    }

    #[test]
    fn a_ramp_is_followed_with_small_lag() {
        // One IPD (100 px) per second, with 1 px noise, at 30 fps.
        let mut rng = Rng::new(3);
        let mut f = OneEuro::new(px());
        let mut worst: f32 = 0.0;
        for i in 0..90 {
            let t = i as f64 * 1000.0 / 30.0;
            let truth = 100.0 * t as f32 / 1000.0;
            let y = f.filter(t, truth + noise(&mut rng, 1.0));
            if i >= 15 {
                worst = worst.max((y - truth).abs());
            }
        }
        // Lag ≈ v / (2π fc) = 100 / (2π·15) ≈ 1 px, plus noise.
        assert!(worst < 3.5, "lag {worst:.2} px");
        // Fast: 5 IPD/s (500 px/s): under 2 frames' travel behind.
        let mut f = OneEuro::new(px());
        let mut lag = 0.0;
        for i in 0..60 {
            let t = i as f64 * 1000.0 / 30.0;
            let truth = 500.0 * t as f32 / 1000.0;
            lag = truth - f.filter(t, truth);
        }
        assert!(lag > 0.0 && lag < 2.0 * 500.0 / 30.0, "lag {lag:.1} px");
    }

    #[test]
    fn a_step_settles_quickly() {
        let mut f = OneEuro::new(px());
        let mut t = 0.0;
        for _ in 0..30 {
            f.filter(t, 0.0);
            t += 1000.0 / 30.0;
        }
        // The face jumps by half an IPD: within 10 % of it after 100 ms,
        // within 1 % after 300 ms.
        let mut after = vec![];
        for _ in 0..10 {
            after.push(f.filter(t, 50.0));
            t += 1000.0 / 30.0;
        }
        assert!(after[2] > 45.0, "{after:?}");
        assert!(after[8] > 49.5, "{after:?}");
        assert!(after.windows(2).all(|w| w[1] >= w[0] && w[1] <= 50.0));
    }

    #[test]
    fn irregular_intervals_duplicates_and_bad_samples() {
        // The same ramp sampled at random intervals (10–70 ms) lags about
        // as much as at a steady rate.
        let mut rng = Rng::new(11);
        let mut f = OneEuro::new(px());
        let mut t = 0.0;
        let mut worst: f32 = 0.0;
        for i in 0..200 {
            t += 10.0 + 60.0 * rng.next_f32() as f64;
            let truth = 100.0 * t as f32 / 1000.0;
            let y = f.filter(t, truth);
            if i > 20 {
                worst = worst.max(truth - y);
            }
        }
        assert!(worst < 3.0, "lag {worst:.2} px");
        // A still signal at irregular intervals is still smoothed.
        let mut f = OneEuro::new(px());
        let (mut raw, mut out) = (vec![], vec![]);
        let mut t = 0.0;
        for _ in 0..400 {
            t += 10.0 + 60.0 * rng.next_f32() as f64;
            let x = noise(&mut rng, 1.0);
            raw.push(x);
            out.push(f.filter(t, x));
        }
        assert!(jitter(&raw[30..]) / jitter(&out[30..]) > 4.0);
        // Repeated and earlier timestamps leave the estimate alone; so do
        // non-finite samples.
        let v = f.value().unwrap();
        assert_eq!(f.filter(t, 1e3), v);
        assert_eq!(f.filter(t - 5.0, 1e3), v);
        assert_eq!(f.filter(t + 30.0, f32::NAN), v);
        assert_eq!(f.filter(f64::NAN, 3.0), v);
        // A long gap (the camera stalled) catches up at once.
        let y = f.filter(t + 5000.0, 80.0);
        assert!((y - 80.0).abs() < 2.0, "{y}");
        // Absurd values never produce NaN.
        let y = f.filter(t + 5033.0, f32::MAX);
        assert!(y.is_finite());
        f.reset();
        assert_eq!(f.value(), None);
        assert_eq!(f.filter(0.0, 4.0), 4.0);
    }

    #[test]
    fn points_share_one_cutoff() {
        // A diagonal move stays on the diagonal (one cutoff for both axes).
        let mut f = OneEuro2::new(px());
        for i in 0..60 {
            let t = i as f64 * 1000.0 / 30.0;
            let s = 100.0 * t as f32 / 1000.0;
            let p = f.filter(t, [3.0 * s, s]);
            assert!((p[0] - 3.0 * p[1]).abs() < 1e-3, "{p:?}");
        }
        // Still noise in 2D is cut as in 1D.
        let mut rng = Rng::new(5);
        let mut f = OneEuro2::new(px());
        let (mut rx, mut ox) = (vec![], vec![]);
        for i in 0..300 {
            let p = [100.0 + noise(&mut rng, 1.0), 50.0 + noise(&mut rng, 1.0)];
            rx.push(p[0]);
            ox.push(f.filter(i as f64 * 33.3, p)[0]);
        }
        assert!(jitter(&rx[30..]) / jitter(&ox[30..]) > 4.0);
        assert_eq!(f.filter(1e5, [f32::INFINITY, 0.0]), f.value().unwrap());
    }

    #[test]
    fn angles_wrap() {
        use std::f32::consts::PI;
        assert!((wrap_angle(3.0 * PI) - PI).abs() < 1e-5);
        assert!((wrap_angle(-PI) - PI).abs() < 1e-6);
        assert!((wrap_angle(0.25 - 4.0 * PI) - 0.25).abs() < 1e-5);
        // Turning steadily through ±π: the output turns with it, never
        // swinging back through zero.
        let mut f = AngleFilter::new(OneEuroParams::ANGLES);
        let mut prev: Option<f32> = None;
        for i in 0..120 {
            let t = i as f64 * 1000.0 / 30.0;
            let a = wrap_angle(2.5 + 1.5 * t as f32 / 1000.0);
            let y = f.filter(t, a);
            assert!(y > -PI && y <= PI);
            if let Some(p) = prev {
                let step = wrap_angle(y - p);
                assert!((0.0..0.2).contains(&step), "step {step} at {i}");
            }
            prev = Some(y);
        }
        // Noise around π is smoothed around π, not averaged to 0.
        let mut rng = Rng::new(9);
        let mut f = AngleFilter::new(OneEuroParams::ANGLES);
        let mut y = 0.0;
        for i in 0..100 {
            y = f.filter(i as f64 * 33.3, wrap_angle(PI + noise(&mut rng, 0.02)));
        }
        assert!(wrap_angle(y - PI).abs() < 0.02, "{y}");
    }
}
