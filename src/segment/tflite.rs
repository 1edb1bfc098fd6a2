//! A reader for the part of the TFLite file format (a FlatBuffer with the
//! schema of `tensorflow/compiler/mlir/lite/schema/schema.fbs`, identifier
//! `TFL3`) that a small float model needs: subgraphs, tensors, buffers,
//! operators, operator codes (with custom op names) and the builtin
//! options of the convolution, pooling, element-wise and resize ops.
//!
//! Hand-written instead of the `flatbuffers` crate plus ~20 k lines of
//! generated schema code: the subset is a few hundred lines, and every
//! offset, length and vtable entry is checked here against the file, so a
//! truncated or damaged file gives an `Err` naming what could not be read,
//! never a panic or a read out of bounds. Everything is copied out (except
//! the buffers' bytes, borrowed from the file), so nothing reads the file
//! again after [`Model::parse`].
//!
//! FlatBuffers in brief: all integers are little-endian. The file starts
//! with a `u32` offset to the root table. A table starts with an `i32`
//! whose subtraction from the table's position gives its vtable; the
//! vtable is `u16` vtable size, `u16` table size, then one `u16` per field:
//! the field's offset inside the table, 0 when absent (the field then has
//! its default). Tables, vectors and strings are referenced by a `u32`
//! offset from where that offset is stored. A vector or string is a `u32`
//! count followed by its elements (a string's bytes end with a NUL). A
//! union is two fields: a `u8` type, then the table.

use std::fmt;

/// TFLite's `BuiltinOperator` values this crate knows by name.
pub mod op {
    pub const ADD: i32 = 0;
    pub const AVERAGE_POOL_2D: i32 = 1;
    pub const CONV_2D: i32 = 3;
    pub const DEPTHWISE_CONV_2D: i32 = 4;
    pub const DEQUANTIZE: i32 = 6;
    pub const LOGISTIC: i32 = 14;
    pub const MUL: i32 = 18;
    pub const RELU: i32 = 19;
    pub const RELU6: i32 = 21;
    pub const RESIZE_BILINEAR: i32 = 23;
    pub const CUSTOM: i32 = 32;
    pub const HARD_SWISH: i32 = 117;
}

/// TFLite's `TensorType` values this crate knows by name.
pub mod dtype {
    pub const FLOAT32: u8 = 0;
    pub const FLOAT16: u8 = 1;
    pub const INT32: u8 = 2;
}

/// A builtin op's name for messages (`op 42` for the ones not listed).
pub fn op_name(code: i32) -> String {
    match code {
        op::ADD => "ADD".into(),
        op::AVERAGE_POOL_2D => "AVERAGE_POOL_2D".into(),
        op::CONV_2D => "CONV_2D".into(),
        op::DEPTHWISE_CONV_2D => "DEPTHWISE_CONV_2D".into(),
        op::DEQUANTIZE => "DEQUANTIZE".into(),
        op::LOGISTIC => "LOGISTIC".into(),
        op::MUL => "MUL".into(),
        op::RELU => "RELU".into(),
        op::RELU6 => "RELU6".into(),
        op::RESIZE_BILINEAR => "RESIZE_BILINEAR".into(),
        op::CUSTOM => "CUSTOM".into(),
        op::HARD_SWISH => "HARD_SWISH".into(),
        c => format!("builtin op {c}"),
    }
}

/// `Padding` in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    Same,
    Valid,
}

/// `ActivationFunctionType` in the schema, as stored (0 none, 1 RELU,
/// 2 RELU_N1_TO_1, 3 RELU6, 4 TANH, 5 SIGN_BIT).
pub type Activation = u8;

/// The builtin options of the ops this reader understands.
#[derive(Clone, Debug, PartialEq)]
pub enum Options {
    /// No options table, or one of a kind not listed here (`kind` is its
    /// union type; 0 = none).
    Other {
        kind: u8,
    },
    Conv2D {
        padding: Padding,
        stride_w: i32,
        stride_h: i32,
        activation: Activation,
        dilation_w: i32,
        dilation_h: i32,
    },
    DepthwiseConv2D {
        padding: Padding,
        stride_w: i32,
        stride_h: i32,
        depth_multiplier: i32,
        activation: Activation,
        dilation_w: i32,
        dilation_h: i32,
    },
    Pool2D {
        padding: Padding,
        stride_w: i32,
        stride_h: i32,
        filter_w: i32,
        filter_h: i32,
        activation: Activation,
    },
    Add {
        activation: Activation,
    },
    Mul {
        activation: Activation,
    },
    ResizeBilinear {
        align_corners: bool,
        half_pixel_centers: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct OperatorCode {
    /// The `BuiltinOperator` (the larger of the old byte field and the new
    /// int field, as TFLite itself reads it).
    pub builtin: i32,
    /// The custom op's name when `builtin` is [`op::CUSTOM`].
    pub custom: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub name: String,
    pub shape: Vec<i32>,
    /// `TensorType` (see [`dtype`]).
    pub dtype: u8,
    /// Index into [`Model::buffers`]; 0 is the empty buffer by convention.
    pub buffer: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operator {
    /// Index into [`Model::operator_codes`].
    pub opcode_index: u32,
    /// Tensor indices; -1 marks an omitted optional input.
    pub inputs: Vec<i32>,
    pub outputs: Vec<i32>,
    pub options: Options,
    /// Raw bytes of a custom op's options.
    pub custom_options: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SubGraph {
    pub tensors: Vec<Tensor>,
    pub inputs: Vec<i32>,
    pub outputs: Vec<i32>,
    /// In execution order.
    pub operators: Vec<Operator>,
}

/// A parsed model. Buffers borrow the file's bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Model<'a> {
    pub version: u32,
    pub description: String,
    pub operator_codes: Vec<OperatorCode>,
    pub subgraphs: Vec<SubGraph>,
    pub buffers: Vec<&'a [u8]>,
}

/// What went wrong reading the file, with the path of fields that led there
/// (outermost first), e.g. `subgraphs[0].tensors[12].shape`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    path: Vec<String>,
    what: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid TFLite model file")?;
        if !self.path.is_empty() {
            let mut p = String::new();
            for s in self.path.iter().rev() {
                if !p.is_empty() && !s.starts_with('[') {
                    p.push('.');
                }
                p.push_str(s);
            }
            write!(f, " (at {p})")?;
        }
        write!(f, ": {}", self.what)
    }
}

impl From<ParseError> for String {
    fn from(e: ParseError) -> String {
        e.to_string()
    }
}

type R<T> = Result<T, ParseError>;

fn err<T>(what: impl Into<String>) -> R<T> {
    Err(ParseError {
        path: Vec::new(),
        what: what.into(),
    })
}

/// Adds a path segment to an error on its way out.
trait Ctx<T> {
    fn at(self, seg: impl fmt::Display) -> R<T>;
}

impl<T> Ctx<T> for R<T> {
    fn at(self, seg: impl fmt::Display) -> R<T> {
        self.map_err(|mut e| {
            e.path.push(seg.to_string());
            e
        })
    }
}

/// The file's bytes with checked little-endian reads.
#[derive(Clone, Copy)]
struct Buf<'a>(&'a [u8]);

impl<'a> Buf<'a> {
    fn bytes(self, pos: usize, len: usize) -> R<&'a [u8]> {
        match pos.checked_add(len) {
            Some(end) if end <= self.0.len() => Ok(&self.0[pos..end]),
            _ => err(format!(
                "{len} bytes at offset {pos} run past the end of the file ({} bytes); \
                 the file is truncated or damaged",
                self.0.len()
            )),
        }
    }
    fn u8(self, pos: usize) -> R<u8> {
        Ok(self.bytes(pos, 1)?[0])
    }
    fn u16(self, pos: usize) -> R<u16> {
        let b = self.bytes(pos, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(self, pos: usize) -> R<u32> {
        let b = self.bytes(pos, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(self, pos: usize) -> R<i32> {
        Ok(self.u32(pos)? as i32)
    }
    fn u64(self, pos: usize) -> R<u64> {
        let b = self.bytes(pos, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    /// Follows the `u32` offset stored at `pos`.
    fn deref(self, pos: usize) -> R<usize> {
        let off = self.u32(pos)? as usize;
        match pos.checked_add(off) {
            Some(t) if t < self.0.len() => Ok(t),
            _ => err(format!(
                "offset {off} stored at {pos} points past the end of the file ({} bytes)",
                self.0.len()
            )),
        }
    }
    fn table(self, pos: usize) -> R<Table<'a>> {
        let soff = self.i32(pos)? as i64;
        let vt = pos as i64 - soff;
        if vt < 0 || vt as u64 >= self.0.len() as u64 {
            return err(format!(
                "the table at {pos} names a vtable at {vt}, outside the file"
            ));
        }
        let vt = vt as usize;
        let vt_len = self.u16(vt)? as usize;
        let table_len = self.u16(vt + 2)? as usize;
        if vt_len < 4 || !vt_len.is_multiple_of(2) {
            return err(format!("the vtable at {vt} has an invalid size {vt_len}"));
        }
        self.bytes(vt, vt_len)?;
        if table_len < 4 {
            return err(format!(
                "the table at {pos} has an invalid size {table_len}"
            ));
        }
        self.bytes(pos, table_len)?;
        Ok(Table {
            buf: self,
            pos,
            vt,
            fields: (vt_len - 4) / 2,
            len: table_len,
        })
    }
}

/// One table, its vtable read and checked.
#[derive(Clone, Copy)]
struct Table<'a> {
    buf: Buf<'a>,
    pos: usize,
    vt: usize,
    fields: usize,
    len: usize,
}

/// A vector's element count and the position of its first element.
#[derive(Clone, Copy)]
struct Vector {
    pos: usize,
    len: usize,
}

impl<'a> Table<'a> {
    /// Position of field `id` if present, checked to hold `size` bytes
    /// inside the table.
    fn field(&self, id: usize, size: usize) -> R<Option<usize>> {
        if id >= self.fields {
            return Ok(None);
        }
        let off = self.buf.u16(self.vt + 4 + 2 * id)? as usize;
        if off == 0 {
            return Ok(None);
        }
        if off + size > self.len {
            return err(format!(
                "field {id} ({size} bytes at {off}) lies outside its {}-byte table",
                self.len
            ));
        }
        Ok(Some(self.pos + off))
    }
    fn u8(&self, id: usize, default: u8) -> R<u8> {
        match self.field(id, 1)? {
            Some(p) => self.buf.u8(p),
            None => Ok(default),
        }
    }
    fn bool(&self, id: usize) -> R<bool> {
        Ok(self.u8(id, 0)? != 0)
    }
    fn i32(&self, id: usize, default: i32) -> R<i32> {
        match self.field(id, 4)? {
            Some(p) => self.buf.i32(p),
            None => Ok(default),
        }
    }
    fn u32(&self, id: usize, default: u32) -> R<u32> {
        match self.field(id, 4)? {
            Some(p) => self.buf.u32(p),
            None => Ok(default),
        }
    }
    fn u64(&self, id: usize, default: u64) -> R<u64> {
        match self.field(id, 8)? {
            Some(p) => self.buf.u64(p),
            None => Ok(default),
        }
    }
    fn table(&self, id: usize) -> R<Option<Table<'a>>> {
        match self.field(id, 4)? {
            Some(p) => Ok(Some(self.buf.table(self.buf.deref(p)?)?)),
            None => Ok(None),
        }
    }
    /// A vector of `elem`-byte elements (all checked to be in the file).
    fn vector(&self, id: usize, elem: usize) -> R<Option<Vector>> {
        let Some(p) = self.field(id, 4)? else {
            return Ok(None);
        };
        let at = self.buf.deref(p)?;
        let len = self.buf.u32(at)? as usize;
        let bytes = len.saturating_mul(elem);
        self.buf.bytes(at + 4, bytes)?;
        Ok(Some(Vector { pos: at + 4, len }))
    }
    fn bytes(&self, id: usize) -> R<&'a [u8]> {
        match self.vector(id, 1)? {
            Some(v) => self.buf.bytes(v.pos, v.len),
            None => Ok(&[]),
        }
    }
    fn i32s(&self, id: usize) -> R<Vec<i32>> {
        match self.vector(id, 4)? {
            Some(v) => (0..v.len).map(|i| self.buf.i32(v.pos + 4 * i)).collect(),
            None => Ok(Vec::new()),
        }
    }
    fn string(&self, id: usize) -> R<String> {
        let b = self.bytes(id)?;
        Ok(String::from_utf8_lossy(b).into_owned())
    }
    /// The tables of a vector of tables, each turned into a `T` by `f`
    /// (errors name the element).
    fn tables<T>(&self, id: usize, f: impl Fn(Table<'a>) -> R<T>) -> R<Vec<T>> {
        let Some(v) = self.vector(id, 4)? else {
            return Ok(Vec::new());
        };
        (0..v.len)
            .map(|i| {
                let p = v.pos + 4 * i;
                self.buf
                    .deref(p)
                    .and_then(|t| self.buf.table(t))
                    .and_then(&f)
                    .at(format!("[{i}]"))
            })
            .collect()
    }
}

fn padding(v: u8) -> R<Padding> {
    match v {
        0 => Ok(Padding::Same),
        1 => Ok(Padding::Valid),
        v => err(format!("unknown padding {v}")),
    }
}

/// `BuiltinOptions` union type numbers of the tables read here.
const CONV_2D_OPTIONS: u8 = 1;
const DEPTHWISE_CONV_2D_OPTIONS: u8 = 2;
const POOL_2D_OPTIONS: u8 = 5;
const ADD_OPTIONS: u8 = 11;
const RESIZE_BILINEAR_OPTIONS: u8 = 15;
const MUL_OPTIONS: u8 = 21;

fn options(kind: u8, t: Option<Table>) -> R<Options> {
    let Some(t) = t else {
        return Ok(Options::Other { kind: 0 });
    };
    Ok(match kind {
        CONV_2D_OPTIONS => Options::Conv2D {
            padding: padding(t.u8(0, 0)?)?,
            stride_w: t.i32(1, 0)?,
            stride_h: t.i32(2, 0)?,
            activation: t.u8(3, 0)?,
            dilation_w: t.i32(4, 1)?,
            dilation_h: t.i32(5, 1)?,
        },
        DEPTHWISE_CONV_2D_OPTIONS => Options::DepthwiseConv2D {
            padding: padding(t.u8(0, 0)?)?,
            stride_w: t.i32(1, 0)?,
            stride_h: t.i32(2, 0)?,
            depth_multiplier: t.i32(3, 0)?,
            activation: t.u8(4, 0)?,
            dilation_w: t.i32(5, 1)?,
            dilation_h: t.i32(6, 1)?,
        },
        POOL_2D_OPTIONS => Options::Pool2D {
            padding: padding(t.u8(0, 0)?)?,
            stride_w: t.i32(1, 0)?,
            stride_h: t.i32(2, 0)?,
            filter_w: t.i32(3, 0)?,
            filter_h: t.i32(4, 0)?,
            activation: t.u8(5, 0)?,
        },
        ADD_OPTIONS => Options::Add {
            activation: t.u8(0, 0)?,
        },
        MUL_OPTIONS => Options::Mul {
            activation: t.u8(0, 0)?,
        },
        RESIZE_BILINEAR_OPTIONS => Options::ResizeBilinear {
            align_corners: t.bool(2)?,
            half_pixel_centers: t.bool(3)?,
        },
        kind => Options::Other { kind },
    })
}

fn operator(t: Table) -> R<Operator> {
    let kind = t.u8(3, 0).at("builtin_options_type")?;
    Ok(Operator {
        opcode_index: t.u32(0, 0).at("opcode_index")?,
        inputs: t.i32s(1).at("inputs")?,
        outputs: t.i32s(2).at("outputs")?,
        options: t
            .table(4)
            .and_then(|o| options(kind, o))
            .at("builtin_options")?,
        custom_options: t.bytes(5).at("custom_options")?.to_vec(),
    })
}

fn tensor(t: Table) -> R<Tensor> {
    if t.field(6, 4)?.is_some() {
        return err("sparse tensors are not supported").at("sparsity");
    }
    Ok(Tensor {
        shape: t.i32s(0).at("shape")?,
        dtype: t.u8(1, 0).at("type")?,
        buffer: t.u32(2, 0).at("buffer")?,
        name: t.string(3).at("name")?,
    })
}

fn subgraph(t: Table) -> R<SubGraph> {
    Ok(SubGraph {
        tensors: t.tables(0, tensor).at("tensors")?,
        inputs: t.i32s(1).at("inputs")?,
        outputs: t.i32s(2).at("outputs")?,
        operators: t.tables(3, operator).at("operators")?,
    })
}

fn operator_code(t: Table) -> R<OperatorCode> {
    let old = t.u8(0, 0).at("deprecated_builtin_code")? as i8 as i32;
    let new = t.i32(3, 0).at("builtin_code")?;
    let custom = t.field(1, 4)?.is_some();
    Ok(OperatorCode {
        builtin: old.max(new),
        custom: if custom {
            Some(t.string(1).at("custom_code")?)
        } else {
            None
        },
    })
}

impl<'a> Model<'a> {
    /// Reads a TFLite flatbuffer. Every offset is checked; any
    /// inconsistency is an error naming where it was found.
    pub fn parse(file: &'a [u8]) -> Result<Model<'a>, ParseError> {
        let buf = Buf(file);
        if file.len() < 8 {
            return err(format!("the file is only {} bytes long", file.len()));
        }
        if &file[4..8] != b"TFL3" {
            return err(format!(
                "the file identifier is {:?}, not \"TFL3\"",
                String::from_utf8_lossy(&file[4..8])
            ));
        }
        let root = buf.table(buf.deref(0)?).at("model")?;
        let buffers = root
            .tables(4, |t| {
                let data = t.bytes(0).at("data")?;
                // Models over 2 GB keep the data after the flatbuffer.
                let (offset, size) = (t.u64(1, 0).at("offset")?, t.u64(2, 0).at("size")?);
                if offset > 1 {
                    let (Ok(o), Ok(s)) = (usize::try_from(offset), usize::try_from(size)) else {
                        return err(format!("data at {offset}, {size} bytes, is past the file"));
                    };
                    return buf.bytes(o, s);
                }
                Ok(data)
            })
            .at("buffers")
            .at("model")?;
        Ok(Model {
            version: root.u32(0, 0).at("version").at("model")?,
            operator_codes: root
                .tables(1, operator_code)
                .at("operator_codes")
                .at("model")?,
            subgraphs: root.tables(2, subgraph).at("subgraphs").at("model")?,
            description: root.string(3).at("description").at("model")?,
            buffers,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal FlatBuffers writer for tests. Like the real builders it
    /// writes back to front (each object goes before the ones written
    /// earlier), so children written first end up after their parents and
    /// every offset points forwards, as the format requires. Objects are
    /// named by their distance from the end of the file ([`Obj`]).
    #[derive(Default)]
    pub struct Builder {
        tail: Vec<u8>,
    }

    /// An object written by [`Builder`]: its start's distance from the end.
    #[derive(Clone, Copy)]
    pub struct Obj(usize);

    /// A table field.
    pub enum F {
        U8(u8),
        I32(i32),
        U32(u32),
        Ref(Obj),
    }

    impl Builder {
        fn prepend(&mut self, mut obj: Vec<u8>) -> Obj {
            while !obj.len().is_multiple_of(4) {
                obj.push(0);
            }
            obj.extend_from_slice(&self.tail);
            self.tail = obj;
            Obj(self.tail.len())
        }
        pub fn bytes(&mut self, b: &[u8]) -> Obj {
            let mut o = (b.len() as u32).to_le_bytes().to_vec();
            o.extend_from_slice(b);
            self.prepend(o)
        }
        pub fn string(&mut self, s: &str) -> Obj {
            let mut o = (s.len() as u32).to_le_bytes().to_vec();
            o.extend_from_slice(s.as_bytes());
            o.push(0);
            self.prepend(o)
        }
        pub fn i32s(&mut self, v: &[i32]) -> Obj {
            let mut o = (v.len() as u32).to_le_bytes().to_vec();
            for x in v {
                o.extend_from_slice(&x.to_le_bytes());
            }
            self.prepend(o)
        }
        /// A vector of tables (or strings).
        pub fn refs(&mut self, items: &[Obj]) -> Obj {
            let len = 4 + 4 * items.len();
            let start = self.tail.len() + len;
            let mut o = (items.len() as u32).to_le_bytes().to_vec();
            for (i, t) in items.iter().enumerate() {
                let at = start - 4 - 4 * i;
                o.extend_from_slice(&((at - t.0) as u32).to_le_bytes());
            }
            self.prepend(o)
        }
        /// A table; `fields[i]` is field `i` (`None`: absent).
        pub fn table(&mut self, fields: &[Option<F>]) -> Obj {
            let n = fields.len();
            let vt_len = 4 + 2 * n;
            let vt_pad = vt_len.div_ceil(4) * 4;
            // Table body: soffset, then each field at a 4-byte slot.
            let mut body = (vt_pad as i32).to_le_bytes().to_vec();
            let mut offs = vec![0u16; n];
            let mut refs = Vec::new();
            for (i, f) in fields.iter().enumerate() {
                let Some(f) = f else { continue };
                offs[i] = body.len() as u16;
                match f {
                    F::U8(v) => body.extend_from_slice(&[*v, 0, 0, 0]),
                    F::I32(v) => body.extend_from_slice(&v.to_le_bytes()),
                    F::U32(v) => body.extend_from_slice(&v.to_le_bytes()),
                    F::Ref(t) => {
                        refs.push((body.len(), *t));
                        body.extend_from_slice(&[0; 4]);
                    }
                }
            }
            let mut o = (vt_len as u16).to_le_bytes().to_vec();
            o.extend_from_slice(&(body.len() as u16).to_le_bytes());
            for off in offs {
                o.extend_from_slice(&off.to_le_bytes());
            }
            o.resize(vt_pad, 0);
            let start = self.tail.len() + vt_pad + body.len();
            for (at, t) in refs {
                let from_end = start - vt_pad - at;
                body[at..at + 4].copy_from_slice(&((from_end - t.0) as u32).to_le_bytes());
            }
            o.extend_from_slice(&body);
            // The table starts after its vtable.
            Obj(self.prepend(o).0 - vt_pad)
        }
        pub fn finish(self, root: Obj) -> Vec<u8> {
            let total = 8 + self.tail.len();
            let mut f = ((total - root.0) as u32).to_le_bytes().to_vec();
            f.extend_from_slice(b"TFL3");
            f.extend_from_slice(&self.tail);
            f
        }
    }

    /// A small model: one subgraph, two tensors, one CONV_2D with options
    /// and a custom op code.
    pub fn tiny_file() -> Vec<u8> {
        let mut b = Builder::default();
        // Written first, so it ends the file: cutting any byte damages it.
        let w = b.bytes(&[1, 2, 3, 4]);
        let empty = b.table(&[]);
        let buf1 = b.table(&[Some(F::Ref(w))]);
        let buffers = b.refs(&[empty, buf1]);
        let shape = b.i32s(&[1, 2, 2, 1]);
        let name = b.string("x");
        let t0 = b.table(&[
            Some(F::Ref(shape)),
            Some(F::U8(0)),
            None,
            Some(F::Ref(name)),
        ]);
        let shape1 = b.i32s(&[1]);
        let t1 = b.table(&[Some(F::Ref(shape1)), Some(F::U8(1)), Some(F::U32(1))]);
        let tensors = b.refs(&[t0, t1]);
        let opts = b.table(&[
            Some(F::U8(1)),
            Some(F::I32(2)),
            Some(F::I32(2)),
            Some(F::U8(1)),
        ]);
        let ins = b.i32s(&[0, 1, -1]);
        let outs = b.i32s(&[0]);
        let custom = b.bytes(&[7, 8]);
        let op = b.table(&[
            Some(F::U32(1)),
            Some(F::Ref(ins)),
            Some(F::Ref(outs)),
            Some(F::U8(CONV_2D_OPTIONS)),
            Some(F::Ref(opts)),
            Some(F::Ref(custom)),
        ]);
        let ops = b.refs(&[op]);
        let gin = b.i32s(&[0]);
        let sg = b.table(&[
            Some(F::Ref(tensors)),
            Some(F::Ref(gin)),
            Some(F::Ref(gin)),
            Some(F::Ref(ops)),
        ]);
        let sgs = b.refs(&[sg]);
        let cname = b.string("MyOp");
        let c0 = b.table(&[Some(F::U8(3))]);
        let c1 = b.table(&[Some(F::U8(32)), Some(F::Ref(cname)), None, Some(F::I32(32))]);
        // Codes past 127 live in the int field, the byte holds 127.
        let c2 = b.table(&[Some(F::U8(127)), None, None, Some(F::I32(150))]);
        let codes = b.refs(&[c0, c1, c2]);
        let desc = b.string("tiny");
        let root = b.table(&[
            Some(F::U32(3)),
            Some(F::Ref(codes)),
            Some(F::Ref(sgs)),
            Some(F::Ref(desc)),
            Some(F::Ref(buffers)),
        ]);
        b.finish(root)
    }

    #[test]
    fn reads_a_small_model() {
        let f = tiny_file();
        let m = Model::parse(&f).unwrap();
        assert_eq!(m.version, 3);
        assert_eq!(m.description, "tiny");
        assert_eq!(
            m.operator_codes,
            vec![
                OperatorCode {
                    builtin: op::CONV_2D,
                    custom: None
                },
                OperatorCode {
                    builtin: op::CUSTOM,
                    custom: Some("MyOp".into())
                },
                OperatorCode {
                    builtin: 150,
                    custom: None
                },
            ]
        );
        assert_eq!(m.buffers, vec![&[][..], &[1, 2, 3, 4][..]]);
        let sg = &m.subgraphs[0];
        assert_eq!(sg.tensors[0].name, "x");
        assert_eq!(sg.tensors[0].shape, vec![1, 2, 2, 1]);
        assert_eq!((sg.tensors[1].dtype, sg.tensors[1].buffer), (1, 1));
        assert_eq!(sg.tensors[1].name, "");
        assert_eq!((sg.inputs.clone(), sg.outputs.clone()), (vec![0], vec![0]));
        let op = &sg.operators[0];
        assert_eq!(op.opcode_index, 1);
        assert_eq!(op.inputs, vec![0, 1, -1]);
        assert_eq!(op.custom_options, vec![7, 8]);
        assert_eq!(
            op.options,
            Options::Conv2D {
                padding: Padding::Valid,
                stride_w: 2,
                stride_h: 2,
                activation: 1,
                dilation_w: 1,
                dilation_h: 1
            }
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let f = tiny_file();
        for n in 0..f.len() {
            let e = Model::parse(&f[..n]);
            assert!(e.is_err(), "prefix of {n} bytes parsed");
        }
        let msg = Model::parse(&f[..f.len() - 20]).unwrap_err().to_string();
        assert!(msg.starts_with("not a valid TFLite model file"), "{msg}");
        assert!(msg.contains("past the end of the file"), "{msg}");
        assert!(Model::parse(b"12345678")
            .unwrap_err()
            .to_string()
            .contains("identifier"));
    }

    #[test]
    fn damaged_bytes_never_panic() {
        let f = tiny_file();
        let mut rng = crate::rng::Rng::new(7);
        for _ in 0..20_000 {
            let mut g = f.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(g.len());
                g[i] = rng.next_u64() as u8;
            }
            let _ = Model::parse(&g);
        }
        // Every single byte set to each extreme.
        for i in 0..f.len() {
            for v in [0x00, 0x7f, 0x80, 0xff] {
                let mut g = f.clone();
                g[i] = v;
                let _ = Model::parse(&g);
            }
        }
    }

    #[test]
    fn error_names_the_field() {
        let mut f = tiny_file();
        // Point the root offset far away.
        f[0..4].copy_from_slice(&1_000_000u32.to_le_bytes());
        let msg = Model::parse(&f).unwrap_err().to_string();
        assert!(msg.contains("points past the end"), "{msg}");
    }
}
