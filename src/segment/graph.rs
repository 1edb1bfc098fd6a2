//! A tiny interpreter for float TFLite graphs built from the ops MediaPipe's
//! selfie segmentation net uses: CONV_2D, DEPTHWISE_CONV_2D, ADD, MUL
//! (optionally broadcasting one value per channel), RELU, RELU6,
//! HARD_SWISH, LOGISTIC, global AVERAGE_POOL_2D, ×n RESIZE_BILINEAR with
//! half-pixel centres, DEQUANTIZE of float16 constants, and MediaPipe's
//! custom `Convolution2DTransposeBias`.
//!
//! [`Graph::from_model`] does all the work once: it turns float16 weights
//! into f32 (in the layouts [`crate::tensor`] wants), checks every op's
//! inputs, options and shapes against what the file declares (by running
//! the shape rules on the declared input size), and records when each
//! intermediate tensor is last needed. [`Graph::run`] then only computes.
//!
//! Shapes are recomputed from the input at each run, so the same graph
//! also runs on smaller inputs (used to warm the code up): a global
//! average pool stays global, and a resize keeps its scale factor rather
//! than its declared output size.

use super::tflite::{self, dtype, op, Model, Options};
use crate::tensor::{self, Conv, Padding, Tensor, TransposeConv};

/// MediaPipe's transposed convolution with bias (options: padding,
/// stride_w, stride_h as three little-endian i32; padding 1 = same,
/// 2 = valid, as in `TfLitePadding`).
pub const TRANSPOSE_CONV_BIAS: &str = "Convolution2DTransposeBias";

/// The largest input side [`Graph::run`] accepts: far above the nets' own
/// sizes, low enough that no intermediate tensor can exhaust memory.
pub const MAX_SIDE: usize = 1024;

/// A fused activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    None,
    Relu,
    Relu6,
}

#[derive(Clone, Debug)]
enum Kind {
    Conv {
        conv: Conv,
        stride: usize,
        padding: Padding,
        act: Act,
    },
    Depthwise {
        kh: usize,
        kw: usize,
        filter: Vec<f32>,
        bias: Vec<f32>,
        stride: usize,
        padding: Padding,
        act: Act,
    },
    Add(Act),
    Mul(Act),
    Relu,
    Relu6,
    HardSwish,
    Logistic,
    GlobalAvgPool,
    /// Bilinear ×`fy`, ×`fx` with half-pixel centres.
    Resize {
        fy: usize,
        fx: usize,
    },
    TransposeConv {
        tc: TransposeConv,
        stride: usize,
        padding: Padding,
    },
}

#[derive(Clone, Debug)]
struct Step {
    kind: Kind,
    /// Runtime tensors read (one, or two for ADD / MUL).
    inputs: Vec<usize>,
    output: usize,
    /// Tensors no later step reads: dropped after this one.
    last_use: Vec<usize>,
    /// "operator 12 (CONV_2D)", for messages.
    name: String,
}

type Shape = (usize, usize, usize);

/// A validated, ready-to-run graph.
#[derive(Clone, Debug)]
pub struct Graph {
    steps: Vec<Step>,
    tensors: usize,
    input: usize,
    output: usize,
    input_shape: Shape,
    output_shape: Shape,
}

/// Converts IEEE half-precision bits to f32 (exact: every half is a float).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    match (exp, man) {
        (0, 0) => f32::from_bits(sign),
        // Subnormal: man · 2⁻²⁴, exact in f32.
        (0, m) => {
            let v = m as f32 * (1.0 / 16_777_216.0);
            if sign != 0 {
                -v
            } else {
                v
            }
        }
        (31, m) => f32::from_bits(sign | 0x7f80_0000 | (m << 13)),
        (e, m) => f32::from_bits(sign | ((e + 112) << 23) | (m << 13)),
    }
}

/// A constant tensor's values and shape.
#[derive(Clone, Debug)]
struct Const {
    shape: Vec<usize>,
    data: Vec<f32>,
}

/// What is known about each tensor while the graph is built.
#[derive(Clone, Debug)]
enum Slot {
    /// Not yet produced.
    Empty,
    Const(Const),
    /// Computed at run time, with its declared `[1, h, w, c]` shape.
    Value(Shape),
}

fn dims(t: &tflite::Tensor) -> Result<Vec<usize>, String> {
    t.shape
        .iter()
        .map(|&d| usize::try_from(d).ok().filter(|&d| d <= 1 << 24))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| format!("tensor '{}' has an invalid shape {:?}", t.name, t.shape))
}

fn count(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d))
}

/// The `[1, h, w, c]` shape of an activation tensor.
fn nhwc(t: &tflite::Tensor) -> Result<Shape, String> {
    match dims(t)?.as_slice() {
        &[1, h, w, c] if h > 0 && w > 0 && c > 0 => Ok((h, w, c)),
        d => Err(format!(
            "tensor '{}' has shape {d:?}; only [1, height, width, channels] is supported",
            t.name
        )),
    }
}

/// The float values stored in a constant tensor's buffer.
fn constant(model: &Model, t: &tflite::Tensor) -> Result<Option<Const>, String> {
    let data = model.buffers.get(t.buffer as usize).ok_or_else(|| {
        format!(
            "tensor '{}' names buffer {}, which does not exist",
            t.name, t.buffer
        )
    })?;
    if data.is_empty() {
        return Ok(None);
    }
    let shape = dims(t)?;
    let n = count(&shape).unwrap_or(usize::MAX);
    let width = match t.dtype {
        dtype::FLOAT32 | dtype::INT32 => 4,
        dtype::FLOAT16 => 2,
        d => {
            return Err(format!(
                "constant tensor '{}' has type {d}; only float32, float16 and int32 are supported",
                t.name
            ))
        }
    };
    if n.checked_mul(width) != Some(data.len()) {
        return Err(format!(
            "constant tensor '{}' has shape {shape:?} but its buffer holds {} bytes",
            t.name,
            data.len()
        ));
    }
    let values: Vec<f32> = match t.dtype {
        dtype::FLOAT16 => data
            .chunks_exact(2)
            .map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
            .collect(),
        dtype::INT32 => data
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32)
            .collect(),
        _ => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    };
    if values.iter().any(|v| !v.is_finite()) {
        return Err(format!(
            "constant tensor '{}' holds infinite or NaN values",
            t.name
        ));
    }
    Ok(Some(Const {
        shape,
        data: values,
    }))
}

fn act(a: tflite::Activation) -> Result<Act, String> {
    match a {
        0 => Ok(Act::None),
        1 => Ok(Act::Relu),
        3 => Ok(Act::Relu6),
        a => Err(format!("fused activation {a} is not supported")),
    }
}

fn stride(w: i32, h: i32) -> Result<usize, String> {
    match (usize::try_from(w), usize::try_from(h)) {
        (Ok(w), Ok(h)) if w == h && (1..=8).contains(&w) => Ok(w),
        _ => Err(format!("strides {w}×{h} are not supported (equal, 1 to 8)")),
    }
}

fn pad(p: tflite::Padding) -> Padding {
    match p {
        tflite::Padding::Same => Padding::Same,
        tflite::Padding::Valid => Padding::Valid,
    }
}

/// Output shape of a step for input shapes `ins`, or why it cannot run.
fn infer(kind: &Kind, ins: &[Shape]) -> Result<Shape, String> {
    let x = ins[0];
    let nonzero = |s: Shape| {
        if s.0 == 0 || s.1 == 0 {
            Err(format!("the input ({}×{}) is too small for it", x.1, x.0))
        } else {
            Ok(s)
        }
    };
    let need_c = |c: usize| {
        if x.2 == c {
            Ok(())
        } else {
            Err(format!("it takes {c} channels but gets {}", x.2))
        }
    };
    match kind {
        Kind::Conv {
            conv,
            stride,
            padding,
            ..
        } => {
            need_c(conv.cin)?;
            let (h, _) = tensor::out_len(x.0, conv.kh, *stride, *padding);
            let (w, _) = tensor::out_len(x.1, conv.kw, *stride, *padding);
            nonzero((h, w, conv.cout))
        }
        Kind::Depthwise {
            kh,
            kw,
            bias,
            stride,
            padding,
            ..
        } => {
            need_c(bias.len())?;
            let (h, _) = tensor::out_len(x.0, *kh, *stride, *padding);
            let (w, _) = tensor::out_len(x.1, *kw, *stride, *padding);
            nonzero((h, w, x.2))
        }
        Kind::Add(_) | Kind::Mul(_) => {
            let y = ins[1];
            if x == y || y == (1, 1, x.2) {
                Ok(x)
            } else if x == (1, 1, y.2) {
                Ok(y)
            } else {
                Err(format!(
                    "its inputs are {}×{}×{} and {}×{}×{}",
                    x.0, x.1, x.2, y.0, y.1, y.2
                ))
            }
        }
        Kind::Relu | Kind::Relu6 | Kind::HardSwish | Kind::Logistic => Ok(x),
        Kind::GlobalAvgPool => Ok((1, 1, x.2)),
        Kind::Resize { fy, fx } => Ok((x.0 * fy, x.1 * fx, x.2)),
        Kind::TransposeConv {
            tc,
            stride,
            padding,
        } => {
            need_c(tc.cin)?;
            let (h, _) = tensor::transpose_out_len(x.0, tc.kh, *stride, *padding);
            let (w, _) = tensor::transpose_out_len(x.1, tc.kw, *stride, *padding);
            nonzero((h, w, tc.cout))
        }
    }
}

/// Builds one step from a TFLite operator: `consts[i]` is input `i`'s
/// value when that input is a constant, `in_shape` the declared shape of
/// the first (computed) input.
fn step_kind(
    code: &tflite::OperatorCode,
    o: &tflite::Operator,
    consts: &[Option<&Const>],
    in_shape: Shape,
) -> Result<Kind, String> {
    let weight = |i: usize, what: &str| -> Result<&Const, String> {
        consts
            .get(i)
            .copied()
            .flatten()
            .ok_or_else(|| format!("its {what} (input {i}) is not a constant"))
    };
    // An optional bias: absent (-1) gives zeros.
    let bias = |i: usize, n: usize| -> Result<Vec<f32>, String> {
        if o.inputs.get(i).is_none_or(|&t| t < 0) {
            return Ok(vec![0.0; n]);
        }
        let b = weight(i, "bias")?;
        if b.data.len() != n {
            return Err(format!(
                "its bias has {} values for {n} channels",
                b.data.len()
            ));
        }
        Ok(b.data.clone())
    };
    let expect_inputs = |n: usize| {
        if o.inputs.len() == n {
            Ok(())
        } else {
            Err(format!("it has {} inputs, {n} expected", o.inputs.len()))
        }
    };
    let kind = match (code.builtin, &o.options) {
        (
            op::CONV_2D,
            &Options::Conv2D {
                padding,
                stride_w,
                stride_h,
                activation,
                dilation_w,
                dilation_h,
            },
        ) => {
            if (dilation_w, dilation_h) != (1, 1) {
                return Err("dilated convolutions are not supported".into());
            }
            let w = weight(1, "filter")?;
            let &[co, kh, kw, ci] = w.shape.as_slice() else {
                return Err(format!(
                    "its filter has shape {:?}, not [out, h, w, in]",
                    w.shape
                ));
            };
            // OHWI → HWIO, the layout of `tensor::conv2d`.
            let mut hwio = vec![0.0; w.data.len()];
            for c in 0..co {
                for k in 0..kh * kw {
                    for i in 0..ci {
                        hwio[(k * ci + i) * co + c] = w.data[(c * kh * kw + k) * ci + i];
                    }
                }
            }
            Kind::Conv {
                conv: Conv {
                    kh,
                    kw,
                    cin: ci,
                    cout: co,
                    weights: hwio,
                    bias: bias(2, co)?,
                },
                stride: stride(stride_w, stride_h)?,
                padding: pad(padding),
                act: act(activation)?,
            }
        }
        (
            op::DEPTHWISE_CONV_2D,
            &Options::DepthwiseConv2D {
                padding,
                stride_w,
                stride_h,
                depth_multiplier,
                activation,
                dilation_w,
                dilation_h,
            },
        ) => {
            if (dilation_w, dilation_h) != (1, 1) {
                return Err("dilated convolutions are not supported".into());
            }
            let w = weight(1, "filter")?;
            let &[1, kh, kw, c] = w.shape.as_slice() else {
                return Err(format!(
                    "its filter has shape {:?}, not [1, h, w, channels]",
                    w.shape
                ));
            };
            if c != in_shape.2 || depth_multiplier > 1 {
                return Err(format!(
                    "channel multipliers are not supported ({} in, {c} out)",
                    in_shape.2
                ));
            }
            Kind::Depthwise {
                kh,
                kw,
                filter: w.data.clone(),
                bias: bias(2, c)?,
                stride: stride(stride_w, stride_h)?,
                padding: pad(padding),
                act: act(activation)?,
            }
        }
        (op::ADD, &Options::Add { activation }) => {
            expect_inputs(2)?;
            Kind::Add(act(activation)?)
        }
        (op::MUL, &Options::Mul { activation }) => {
            expect_inputs(2)?;
            Kind::Mul(act(activation)?)
        }
        (op::RELU, _) => Kind::Relu,
        (op::RELU6, _) => Kind::Relu6,
        (op::HARD_SWISH, _) => Kind::HardSwish,
        (op::LOGISTIC, _) => Kind::Logistic,
        (
            op::AVERAGE_POOL_2D,
            &Options::Pool2D {
                filter_w,
                filter_h,
                activation,
                ..
            },
        ) => {
            if (filter_h, filter_w) != (in_shape.0 as i32, in_shape.1 as i32) || activation != 0 {
                return Err(format!(
                    "only global average pools are supported (window {filter_w}×{filter_h} on a {}×{} map)",
                    in_shape.1, in_shape.0
                ));
            }
            Kind::GlobalAvgPool
        }
        (
            op::RESIZE_BILINEAR,
            &Options::ResizeBilinear {
                align_corners,
                half_pixel_centers,
            },
        ) => {
            if align_corners || !half_pixel_centers {
                return Err(
                    "only half-pixel centres are supported (align_corners false, half_pixel_centers true)"
                        .into(),
                );
            }
            let size = weight(1, "size")?;
            let (h, w) = match size.data.as_slice() {
                &[h, w] => (h as usize, w as usize),
                _ => return Err("its size is not two values".into()),
            };
            let (fy, fx) = (h / in_shape.0, w / in_shape.1);
            if fy == 0
                || fx == 0
                || fy * in_shape.0 != h
                || fx * in_shape.1 != w
                || fy > 8
                || fx > 8
            {
                return Err(format!(
                    "only whole scale factors up to 8 are supported ({}×{} to {w}×{h})",
                    in_shape.1, in_shape.0
                ));
            }
            Kind::Resize { fy, fx }
        }
        (op::CUSTOM, _) if code.custom.as_deref() == Some(TRANSPOSE_CONV_BIAS) => {
            let opts: Vec<i32> = o
                .custom_options
                .chunks_exact(4)
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            let (padding, sw, sh) = match opts.as_slice() {
                &[p, sw, sh, ..] if o.custom_options.len().is_multiple_of(4) => (p, sw, sh),
                _ => {
                    return Err(format!(
                        "its options are {} bytes, not padding and two strides",
                        o.custom_options.len()
                    ))
                }
            };
            let padding = match padding {
                1 => Padding::Same,
                2 => Padding::Valid,
                p => return Err(format!("unknown padding {p}")),
            };
            let w = weight(1, "filter")?;
            let &[co, kh, kw, ci] = w.shape.as_slice() else {
                return Err(format!(
                    "its filter has shape {:?}, not [out, h, w, in]",
                    w.shape
                ));
            };
            Kind::TransposeConv {
                tc: TransposeConv {
                    kh,
                    kw,
                    cin: ci,
                    cout: co,
                    weights: w.data.clone(),
                    bias: bias(2, co)?,
                },
                stride: stride(sw, sh)?,
                padding,
            }
        }
        (op::CUSTOM, _) => {
            return Err(format!(
                "custom op '{}' is not supported",
                code.custom.as_deref().unwrap_or("")
            ))
        }
        (c, Options::Other { .. })
            if [
                op::CONV_2D,
                op::DEPTHWISE_CONV_2D,
                op::ADD,
                op::MUL,
                op::AVERAGE_POOL_2D,
                op::RESIZE_BILINEAR,
            ]
            .contains(&c) =>
        {
            return Err("its options are missing".into())
        }
        (c, _) => return Err(format!("{} is not supported", tflite::op_name(c))),
    };
    Ok(kind)
}

impl Graph {
    /// Builds the graph of the model's first subgraph (see the module docs).
    pub fn from_model(model: &Model) -> Result<Graph, String> {
        let sg = match model.subgraphs.as_slice() {
            [sg] => sg,
            s => {
                return Err(format!(
                    "the model has {} subgraphs; one is supported",
                    s.len()
                ))
            }
        };
        let n = sg.tensors.len();
        let index = |i: i32, what: &str| -> Result<usize, String> {
            usize::try_from(i).ok().filter(|&i| i < n).ok_or_else(|| {
                format!("{what} names tensor {i}, which does not exist ({n} tensors)")
            })
        };
        let mut slots = vec![Slot::Empty; n];
        for (i, t) in sg.tensors.iter().enumerate() {
            if let Some(c) = constant(model, t)? {
                slots[i] = Slot::Const(c);
            }
        }
        let (input, output) = match (sg.inputs.as_slice(), sg.outputs.as_slice()) {
            (&[i], &[o]) => (index(i, "the graph input")?, index(o, "the graph output")?),
            (i, o) => {
                return Err(format!(
                    "the graph has {} inputs and {} outputs; one of each is supported",
                    i.len(),
                    o.len()
                ))
            }
        };
        let input_shape = nhwc(&sg.tensors[input])?;
        if sg.tensors[input].dtype != dtype::FLOAT32 || !matches!(slots[input], Slot::Empty) {
            return Err("the graph input is not a float32 tensor".into());
        }
        slots[input] = Slot::Value(input_shape);

        let mut steps: Vec<Step> = Vec::new();
        for (k, o) in sg.operators.iter().enumerate() {
            let code = model
                .operator_codes
                .get(o.opcode_index as usize)
                .ok_or_else(|| {
                    format!(
                        "operator {k} names operator code {}, which does not exist",
                        o.opcode_index
                    )
                })?;
            let opname = match &code.custom {
                Some(c) if code.builtin == op::CUSTOM => c.clone(),
                _ => tflite::op_name(code.builtin),
            };
            let name = format!("operator {k} ({opname})");
            let fail = |e: String| format!("{name}: {e}");
            let &[out] = o.outputs.as_slice() else {
                return Err(fail(format!(
                    "it has {} outputs; one is supported",
                    o.outputs.len()
                )));
            };
            let out = index(out, &name)?;
            if !matches!(slots[out], Slot::Empty) {
                return Err(fail(format!(
                    "its output '{}' was already set",
                    sg.tensors[out].name
                )));
            }
            // DEQUANTIZE of a float16 constant: a float32 constant, at load.
            if code.builtin == op::DEQUANTIZE {
                let &[i] = o.inputs.as_slice() else {
                    return Err(fail("it needs one input".into()));
                };
                let i = index(i, &name)?;
                let (Slot::Const(c), dtype::FLOAT16) = (&slots[i], sg.tensors[i].dtype) else {
                    return Err(fail("only float16 constants can be dequantized".into()));
                };
                if dims(&sg.tensors[out])? != c.shape || sg.tensors[out].dtype != dtype::FLOAT32 {
                    return Err(fail("its output does not match its input".into()));
                }
                slots[out] = Slot::Const(c.clone());
                continue;
            }
            // Inputs: the first is always a computed tensor; later ones may
            // be constants (weights) or computed (ADD, MUL).
            let mut ins = Vec::new();
            let mut shapes = Vec::new();
            let mut consts: Vec<Option<&Const>> = Vec::new();
            for (j, &t) in o.inputs.iter().enumerate() {
                if t < 0 {
                    consts.push(None);
                    continue;
                }
                let t = index(t, &name)?;
                match &slots[t] {
                    Slot::Value(s) => {
                        ins.push(t);
                        shapes.push(*s);
                        consts.push(None);
                    }
                    Slot::Const(c) if j > 0 => consts.push(Some(c)),
                    Slot::Const(_) => {
                        return Err(fail("its first input is a constant".into()));
                    }
                    Slot::Empty => {
                        return Err(fail(format!(
                            "its input '{}' is not computed before it",
                            sg.tensors[t].name
                        )))
                    }
                }
            }
            let Some(&in_shape) = shapes.first() else {
                return Err(fail("it has no computed input".into()));
            };
            let kind = step_kind(code, o, &consts, in_shape).map_err(fail)?;
            let wanted = if matches!(kind, Kind::Add(_) | Kind::Mul(_)) {
                2
            } else {
                1
            };
            if ins.len() != wanted {
                return Err(fail(format!(
                    "it has {} computed inputs, {wanted} expected",
                    ins.len()
                )));
            }
            let shape = infer(&kind, &shapes).map_err(fail)?;
            let declared = nhwc(&sg.tensors[out]).map_err(fail)?;
            if shape != declared || sg.tensors[out].dtype != dtype::FLOAT32 {
                return Err(fail(format!(
                    "the file declares its output as [1, {}, {}, {}] but it computes [1, {}, {}, {}]",
                    declared.0, declared.1, declared.2, shape.0, shape.1, shape.2
                )));
            }
            slots[out] = Slot::Value(shape);
            steps.push(Step {
                kind,
                inputs: ins,
                output: out,
                last_use: Vec::new(),
                name,
            });
        }
        let Slot::Value(output_shape) = slots[output] else {
            return Err("the graph output is never computed".into());
        };
        // Liveness: each tensor is dropped after the last step reading it.
        let mut last = vec![None; n];
        for (k, s) in steps.iter().enumerate() {
            for &t in &s.inputs {
                last[t] = Some(k);
            }
        }
        for (t, l) in last.iter().enumerate() {
            if let (Some(k), false) = (l, t == output) {
                steps[*k].last_use.push(t);
            }
        }
        Ok(Graph {
            steps,
            tensors: n,
            input,
            output,
            input_shape,
            output_shape,
        })
    }

    /// The declared input size, `(height, width, channels)`.
    pub fn input_shape(&self) -> (usize, usize, usize) {
        self.input_shape
    }

    /// The declared output size, `(height, width, channels)`.
    pub fn output_shape(&self) -> (usize, usize, usize) {
        self.output_shape
    }

    /// Number of operators that compute (DEQUANTIZE is done at load).
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Runs the graph on `x` (any size the ops accept; see the module docs).
    pub fn run(&self, x: Tensor) -> Result<Tensor, String> {
        if x.c != self.input_shape.2 {
            return Err(format!(
                "the input has {} channels; the net takes {}",
                x.c, self.input_shape.2
            ));
        }
        if x.h == 0
            || x.w == 0
            || x.h > MAX_SIDE
            || x.w > MAX_SIDE
            || x.data.len() != x.h * x.w * x.c
        {
            return Err(format!(
                "the input is {}×{} ({} values); 1 to {MAX_SIDE} pixels a side are supported",
                x.w,
                x.h,
                x.data.len()
            ));
        }
        // Check every shape first: a size the ops do not accept is an error,
        // not a panic halfway through.
        let mut shapes = vec![(0, 0, 0); self.tensors];
        shapes[self.input] = (x.h, x.w, x.c);
        for s in &self.steps {
            let ins: Vec<Shape> = s.inputs.iter().map(|&t| shapes[t]).collect();
            shapes[s.output] = infer(&s.kind, &ins).map_err(|e| format!("{}: {e}", s.name))?;
        }
        let mut vals: Vec<Option<Tensor>> = vec![None; self.tensors];
        vals[self.input] = Some(x);
        for s in &self.steps {
            let out = self.step(s, &mut vals)?;
            for &t in &s.last_use {
                vals[t] = None;
            }
            vals[s.output] = Some(out);
        }
        let out = vals[self.output]
            .take()
            .ok_or_else(|| "the graph output was not computed".to_string())?;
        // Finite weights and inputs give NaN only after an overflow; say so
        // rather than hand back NaNs.
        if out.data.iter().any(|v| v.is_nan()) {
            return Err("the net's values overflowed (NaN in its output)".into());
        }
        Ok(out)
    }

    fn step(&self, s: &Step, vals: &mut [Option<Tensor>]) -> Result<Tensor, String> {
        let missing = || format!("{}: an input was not computed", s.name);
        // The input itself when no later step reads it, else a copy.
        let take = |vals: &mut [Option<Tensor>], t: usize| -> Result<Tensor, String> {
            if s.last_use.contains(&t) {
                vals[t].take().ok_or_else(missing)
            } else {
                vals[t].clone().ok_or_else(missing)
            }
        };
        let x = s.inputs[0];
        Ok(match &s.kind {
            Kind::Conv {
                conv,
                stride,
                padding,
                act,
            } => {
                let xin = vals[x].as_ref().ok_or_else(missing)?;
                let mut y = if conv.kh == 1 && conv.kw == 1 && *stride == 1 {
                    tensor::pointwise(xin, &conv.weights, &conv.bias)
                } else {
                    tensor::conv2d(xin, conv, *stride, *padding)
                };
                apply(&mut y, *act);
                y
            }
            Kind::Depthwise {
                kh,
                kw,
                filter,
                bias,
                stride,
                padding,
                act,
            } => {
                let xin = vals[x].as_ref().ok_or_else(missing)?;
                let mut y =
                    tensor::depthwise(xin, filter, (*kh, *kw), Some(bias), *stride, *padding);
                apply(&mut y, *act);
                y
            }
            Kind::Add(a) | Kind::Mul(a) => {
                // Accumulate into the full-size operand (both ops commute
                // exactly); a 1×1×c operand is broadcast.
                let (i, j) = (s.inputs[0], s.inputs[1]);
                let is_vec = |t: usize| vals[t].as_ref().is_some_and(|v| v.h == 1 && v.w == 1);
                let (big, small) = if is_vec(i) && !is_vec(j) {
                    (j, i)
                } else {
                    (i, j)
                };
                let mut y = take(vals, big)?;
                let copy;
                let b = if big == small {
                    copy = y.clone();
                    &copy
                } else {
                    vals[small].as_ref().ok_or_else(missing)?
                };
                if matches!(s.kind, Kind::Add(_)) {
                    tensor::add_assign(&mut y, b);
                } else {
                    tensor::mul_assign(&mut y, b);
                }
                apply(&mut y, *a);
                y
            }
            Kind::Relu | Kind::Relu6 | Kind::HardSwish | Kind::Logistic => {
                let mut y = take(vals, x)?;
                match s.kind {
                    Kind::Relu => tensor::relu(&mut y),
                    Kind::Relu6 => tensor::relu6(&mut y),
                    Kind::HardSwish => tensor::hard_swish(&mut y),
                    _ => tensor::logistic(&mut y),
                }
                y
            }
            Kind::GlobalAvgPool => tensor::global_avg_pool(vals[x].as_ref().ok_or_else(missing)?),
            Kind::Resize { fy, fx } => {
                let xin = vals[x].as_ref().ok_or_else(missing)?;
                tensor::resize_bilinear(xin, xin.h * fy, xin.w * fx)
            }
            Kind::TransposeConv {
                tc,
                stride,
                padding,
            } => {
                tensor::transpose_conv(vals[x].as_ref().ok_or_else(missing)?, tc, *stride, *padding)
            }
        })
    }
}

fn apply(y: &mut Tensor, a: Act) {
    match a {
        Act::None => {}
        Act::Relu => tensor::relu(y),
        Act::Relu6 => tensor::relu6(y),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::segment::tflite::tests::{Builder, Obj, F};
    use crate::tensor::{
        add_assign, conv2d, depthwise, global_avg_pool, hard_swish, logistic, mul_assign, relu6,
        resize_bilinear, transpose_conv,
    };

    /// One tensor of a test model: shape, type and constant bytes (empty
    /// for computed tensors).
    pub struct T {
        pub shape: Vec<i32>,
        pub dtype: u8,
        pub data: Vec<u8>,
    }

    /// One operator: index into the codes, tensors in and out, the options
    /// union type and table fields, and custom option bytes.
    pub struct Op {
        pub code: u32,
        pub inputs: Vec<i32>,
        pub outputs: Vec<i32>,
        pub kind: u8,
        pub options: Vec<Option<F>>,
        pub custom: Vec<u8>,
    }

    pub fn op(code: u32, inputs: &[i32], output: i32) -> Op {
        Op {
            code,
            inputs: inputs.to_vec(),
            outputs: vec![output],
            kind: 0,
            options: Vec::new(),
            custom: Vec::new(),
        }
    }

    /// A TFLite file with one subgraph.
    pub fn model_file(
        codes: &[(i32, Option<&str>)],
        tensors: &[T],
        ops: Vec<Op>,
        input: i32,
        output: i32,
    ) -> Vec<u8> {
        let mut b = Builder::default();
        let mut bufs = vec![b.table(&[])];
        let mut tabs = Vec::new();
        for t in tensors {
            let buffer = if t.data.is_empty() {
                0
            } else {
                let d = b.bytes(&t.data);
                bufs.push(b.table(&[Some(F::Ref(d))]));
                bufs.len() as u32 - 1
            };
            let shape = b.i32s(&t.shape);
            let name = b.string(&format!("t{}", tabs.len()));
            tabs.push(b.table(&[
                Some(F::Ref(shape)),
                Some(F::U8(t.dtype)),
                Some(F::U32(buffer)),
                Some(F::Ref(name)),
            ]));
        }
        let buffers = b.refs(&bufs);
        let tensors = b.refs(&tabs);
        let mut op_tabs: Vec<Obj> = Vec::new();
        for o in ops {
            let ins = b.i32s(&o.inputs);
            let outs = b.i32s(&o.outputs);
            let opts = (!o.options.is_empty()).then(|| b.table(&o.options));
            let custom = (!o.custom.is_empty()).then(|| b.bytes(&o.custom));
            op_tabs.push(b.table(&[
                Some(F::U32(o.code)),
                Some(F::Ref(ins)),
                Some(F::Ref(outs)),
                Some(F::U8(o.kind)),
                opts.map(F::Ref),
                custom.map(F::Ref),
            ]));
        }
        let ops = b.refs(&op_tabs);
        let gin = b.i32s(&[input]);
        let gout = b.i32s(&[output]);
        let sg = b.table(&[
            Some(F::Ref(tensors)),
            Some(F::Ref(gin)),
            Some(F::Ref(gout)),
            Some(F::Ref(ops)),
        ]);
        let sgs = b.refs(&[sg]);
        let mut code_tabs = Vec::new();
        for &(c, name) in codes {
            let n = name.map(|n| b.string(n));
            code_tabs.push(b.table(&[
                Some(F::U8(c.min(127) as u8)),
                n.map(F::Ref),
                None,
                Some(F::I32(c)),
            ]));
        }
        let codes = b.refs(&code_tabs);
        let root = b.table(&[
            Some(F::U32(3)),
            Some(F::Ref(codes)),
            Some(F::Ref(sgs)),
            None,
            Some(F::Ref(buffers)),
        ]);
        b.finish(root)
    }

    fn f32s(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    /// Random float16 bits of moderate size (|v| in 2⁻⁵..2³).
    fn halves(rng: &mut crate::rng::Rng, n: usize) -> Vec<u16> {
        (0..n)
            .map(|_| {
                let r = rng.next_u64();
                let sign = ((r & 1) as u16) << 15;
                let exp = (10 + (r >> 1) % 8) as u16;
                sign | (exp << 10) | ((r >> 8) as u16 & 0x3ff)
            })
            .collect()
    }

    fn small(rng: &mut crate::rng::Rng, n: usize) -> Vec<f32> {
        (0..n).map(|_| rng.next_f32() - 0.5).collect()
    }

    /// The weights of the test net, and the net as a file.
    pub struct TestNet {
        pub file: Vec<u8>,
        conv_w: Vec<u16>,
        conv_b: Vec<f32>,
        dw_w: Vec<f32>,
        dw_b: Vec<f32>,
        tc_w: Vec<u16>,
        tc_b: Vec<f32>,
    }

    /// A net using every supported op: input 8×8×3 → CONV 3×3 s2 (float16
    /// weights behind DEQUANTIZE) → HARD_SWISH → squeeze-excite (global
    /// AVERAGE_POOL, LOGISTIC, MUL) → DEPTHWISE 3×3 s2 → RELU6 →
    /// RESIZE ×2 → transposed conv 2×2 s2 (float16) → ADD (x + x) →
    /// LOGISTIC → 8×8×1. `edit` may change the ops before writing.
    pub fn test_net(edit: impl FnOnce(&mut Vec<Op>, &mut Vec<T>)) -> TestNet {
        test_net_with_output(20, edit)
    }

    /// [`test_net`] with another tensor as the graph output.
    pub fn test_net_with_output(
        output: i32,
        edit: impl FnOnce(&mut Vec<Op>, &mut Vec<T>),
    ) -> TestNet {
        use super::dtype::{FLOAT16, FLOAT32, INT32};
        let mut rng = crate::rng::Rng::new(11);
        let conv_w = halves(&mut rng, 8 * 3 * 3 * 3);
        let conv_b = small(&mut rng, 8);
        let dw_w = small(&mut rng, 3 * 3 * 8);
        let dw_b = small(&mut rng, 8);
        let tc_w = halves(&mut rng, 2 * 2 * 8);
        let tc_b = small(&mut rng, 1);
        let h16 = |v: &[u16]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let act = |s: &[i32]| T {
            shape: s.to_vec(),
            dtype: FLOAT32,
            data: vec![],
        };
        let cst = |s: &[i32], dtype: u8, data: Vec<u8>| T {
            shape: s.to_vec(),
            dtype,
            data,
        };
        let mut tensors = vec![
            act(&[1, 8, 8, 3]),                        // 0 input
            cst(&[8, 3, 3, 3], FLOAT16, h16(&conv_w)), // 1
            act(&[8, 3, 3, 3]),                        // 2 dequantized
            cst(&[8], FLOAT32, f32s(&conv_b)),         // 3
            act(&[1, 4, 4, 8]),                        // 4 conv
            act(&[1, 4, 4, 8]),                        // 5 hard swish
            act(&[1, 1, 1, 8]),                        // 6 pool
            act(&[1, 1, 1, 8]),                        // 7 logistic
            act(&[1, 4, 4, 8]),                        // 8 mul
            cst(&[1, 3, 3, 8], FLOAT32, f32s(&dw_w)),  // 9
            cst(&[8], FLOAT32, f32s(&dw_b)),           // 10
            act(&[1, 2, 2, 8]),                        // 11 depthwise
            act(&[1, 2, 2, 8]),                        // 12 relu6
            cst(
                &[2],
                INT32,
                [4i32, 4].iter().flat_map(|v| v.to_le_bytes()).collect(),
            ), // 13
            act(&[1, 4, 4, 8]),                        // 14 resize
            cst(&[1, 2, 2, 8], FLOAT16, h16(&tc_w)),   // 15
            act(&[1, 2, 2, 8]),                        // 16 dequantized
            cst(&[1], FLOAT32, f32s(&tc_b)),           // 17
            act(&[1, 8, 8, 1]),                        // 18 transpose
            act(&[1, 8, 8, 1]),                        // 19 add
            act(&[1, 8, 8, 1]),                        // 20 output
        ];
        let with = |mut o: Op, kind: u8, options: Vec<Option<F>>| {
            o.kind = kind;
            o.options = options;
            o
        };
        // Codes: 0 DEQUANTIZE, 1 CONV_2D, 2 HARD_SWISH, 3 AVERAGE_POOL_2D,
        // 4 LOGISTIC, 5 MUL, 6 DEPTHWISE, 7 RELU6, 8 RESIZE, 9 custom,
        // 10 ADD.
        let mut ops = vec![
            op(0, &[1], 2),
            with(
                op(1, &[0, 2, 3], 4),
                1,
                vec![
                    Some(F::U8(0)),
                    Some(F::I32(2)),
                    Some(F::I32(2)),
                    Some(F::U8(0)),
                ],
            ),
            op(2, &[4], 5),
            with(
                op(3, &[5], 6),
                5,
                vec![
                    Some(F::U8(1)),
                    Some(F::I32(1)),
                    Some(F::I32(1)),
                    Some(F::I32(4)),
                    Some(F::I32(4)),
                ],
            ),
            op(4, &[6], 7),
            with(op(5, &[5, 7], 8), 21, vec![Some(F::U8(0))]),
            with(
                op(6, &[8, 9, 10], 11),
                2,
                vec![
                    Some(F::U8(0)),
                    Some(F::I32(2)),
                    Some(F::I32(2)),
                    Some(F::I32(1)),
                ],
            ),
            op(7, &[11], 12),
            with(
                op(8, &[12, 13], 14),
                15,
                vec![None, None, Some(F::U8(0)), Some(F::U8(1))],
            ),
            op(0, &[15], 16),
            Op {
                custom: [1i32, 2, 2].iter().flat_map(|v| v.to_le_bytes()).collect(),
                ..op(9, &[14, 16, 17], 18)
            },
            with(op(10, &[18, 18], 19), 11, vec![Some(F::U8(0))]),
            op(4, &[19], 20),
        ];
        edit(&mut ops, &mut tensors);
        let codes = [
            (op::DEQUANTIZE, None),
            (op::CONV_2D, None),
            (op::HARD_SWISH, None),
            (op::AVERAGE_POOL_2D, None),
            (op::LOGISTIC, None),
            (op::MUL, None),
            (op::DEPTHWISE_CONV_2D, None),
            (op::RELU6, None),
            (op::RESIZE_BILINEAR, None),
            (op::CUSTOM, Some(TRANSPOSE_CONV_BIAS)),
            (op::ADD, None),
        ];
        TestNet {
            file: model_file(&codes, &tensors, ops, 0, output),
            conv_w,
            conv_b,
            dw_w,
            dw_b,
            tc_w,
            tc_b,
        }
    }

    fn input(rng: &mut crate::rng::Rng, h: usize, w: usize) -> Tensor {
        Tensor {
            h,
            w,
            c: 3,
            data: (0..h * w * 3).map(|_| rng.next_f32()).collect(),
        }
    }

    fn load(file: &[u8]) -> Result<Graph, String> {
        Graph::from_model(&Model::parse(file)?)
    }

    #[test]
    fn half_floats_convert_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x83ff), -1023.0 * 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x0400), 2f32.powi(-14));
        assert!(f16_to_f32(0x8000) == 0.0 && f16_to_f32(0x8000).is_sign_negative());
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn runs_every_op_like_the_layers_do() {
        let net = test_net(|_, _| {});
        let g = load(&net.file).unwrap();
        assert_eq!(
            (g.input_shape(), g.output_shape(), g.len()),
            ((8, 8, 3), (8, 8, 1), 11)
        );
        let mut rng = crate::rng::Rng::new(12);
        let x = input(&mut rng, 8, 8);
        let got = g.run(x.clone()).unwrap();

        // The same net written out with the layers.
        let w: Vec<f32> = net.conv_w.iter().map(|&h| f16_to_f32(h)).collect();
        let mut hwio = vec![0.0; w.len()];
        for o in 0..8 {
            for k in 0..9 {
                for i in 0..3 {
                    hwio[(k * 3 + i) * 8 + o] = w[(o * 9 + k) * 3 + i];
                }
            }
        }
        let conv = Conv {
            kh: 3,
            kw: 3,
            cin: 3,
            cout: 8,
            weights: hwio,
            bias: net.conv_b.clone(),
        };
        let mut y = conv2d(&x, &conv, 2, Padding::Same);
        hard_swish(&mut y);
        let mut se = global_avg_pool(&y);
        logistic(&mut se);
        mul_assign(&mut y, &se);
        let mut y = depthwise(&y, &net.dw_w, (3, 3), Some(&net.dw_b), 2, Padding::Same);
        relu6(&mut y);
        let y = resize_bilinear(&y, 4, 4);
        let tc = TransposeConv {
            kh: 2,
            kw: 2,
            cin: 8,
            cout: 1,
            weights: net.tc_w.iter().map(|&h| f16_to_f32(h)).collect(),
            bias: net.tc_b.clone(),
        };
        let mut y = transpose_conv(&y, &tc, 2, Padding::Same);
        let copy = y.clone();
        add_assign(&mut y, &copy);
        logistic(&mut y);
        assert_eq!(got, y);

        // Other sizes follow the ops' rules (the resize keeps its factor).
        let small = g.run(input(&mut rng, 4, 4)).unwrap();
        assert_eq!((small.h, small.w, small.c), (4, 4, 1));
        let odd = g.run(input(&mut rng, 6, 6)).unwrap();
        assert_eq!((odd.h, odd.w, odd.c), (8, 8, 1));
        let e = g.run(input(&mut rng, 1, MAX_SIDE + 1)).unwrap_err();
        assert!(e.contains("pixels a side"), "{e}");
        let e = g
            .run(Tensor {
                h: 8,
                w: 8,
                c: 1,
                data: vec![0.0; 64],
            })
            .unwrap_err();
        assert!(e.contains("channels"), "{e}");
    }

    /// `edit`, and what the load error must mention.
    fn rejects(edit: impl FnOnce(&mut Vec<Op>, &mut Vec<T>), want: &str) {
        let net = test_net(edit);
        match load(&net.file) {
            Ok(_) => panic!("loaded; expected an error about {want:?}"),
            Err(e) => assert!(e.contains(want), "{e:?} does not mention {want:?}"),
        }
    }

    #[test]
    fn unsupported_or_inconsistent_graphs_are_rejected() {
        // An op this interpreter does not run (reuse code 7 as SOFTMAX).
        let net = test_net(|_, _| {});
        let m = Model::parse(&net.file).unwrap();
        let mut m2 = m.clone();
        m2.operator_codes[7].builtin = 25;
        let e = Graph::from_model(&m2).unwrap_err();
        assert!(
            e.contains("operator 7 (builtin op 25): builtin op 25 is not supported"),
            "{e}"
        );
        let mut m3 = m.clone();
        m3.operator_codes[9].custom = Some("MaxUnpooling2D".into());
        let e = Graph::from_model(&m3).unwrap_err();
        assert!(
            e.contains("custom op 'MaxUnpooling2D' is not supported"),
            "{e}"
        );

        // A declared shape that disagrees with the op.
        rejects(
            |_, t| t[4].shape = vec![1, 3, 3, 8],
            "declares its output as [1, 3, 3, 8]",
        );
        // Reading a tensor before it is computed.
        rejects(|o, _| o[2].inputs = vec![19], "is not computed before it");
        // Writing a tensor twice.
        rejects(|o, _| o[2].outputs = vec![4], "already set");
        // Weights that are not constants.
        rejects(|o, _| o[1].inputs = vec![0, 0, 3], "is not a constant");
        // A non-global average pool.
        rejects(
            |o, _| o[3].options[3] = Some(F::I32(2)),
            "only global average pools",
        );
        // Resize with align_corners.
        rejects(
            |o, _| o[8].options[2] = Some(F::U8(1)),
            "only half-pixel centres",
        );
        // A stride the transposed conv options do not give.
        rejects(|o, _| o[10].custom = vec![1, 0, 0], "options are 3 bytes");
        // A constant whose bytes do not fill its shape.
        rejects(|_, t| t[3].data.truncate(28), "buffer holds 28 bytes");
        // Dequantizing a computed tensor.
        rejects(|o, _| o[0].inputs = vec![0], "only float16 constants");
        // Missing options on a conv.
        rejects(
            |o, _| {
                o[1].kind = 0;
                o[1].options.clear();
            },
            "options are missing",
        );
        // A fused activation other than none/relu/relu6 (TANH).
        rejects(
            |o, _| o[11].options = vec![Some(F::U8(4))],
            "fused activation 4",
        );
        // NaN weights.
        rejects(
            |_, t| t[3].data[0..4].copy_from_slice(&f32::NAN.to_le_bytes()),
            "infinite or NaN",
        );
    }

    #[test]
    fn damaged_files_fail_or_run_without_panicking() {
        let net = test_net(|_, _| {});
        let f = &net.file;
        let mut rng = crate::rng::Rng::new(13);
        let x = input(&mut rng, 8, 8);
        for n in 0..f.len() {
            assert!(load(&f[..n]).is_err(), "a prefix of {n} bytes loaded");
        }
        let mut ran = 0;
        for _ in 0..3000 {
            let mut g = f.clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(g.len());
                g[i] ^= 1 << rng.below(8);
            }
            if let Ok(graph) = load(&g) {
                let _ = graph.run(x.clone());
                ran += 1;
            }
        }
        assert!(ran > 0, "some flips only change weights");
    }
}
