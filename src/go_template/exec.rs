//! Executes a parsed template against ZITADEL's `ConfirmURLData` like Go's `text/template`
//! (Go 1.25, `text/template/exec.go` and `funcs.go`): only executed branches are evaluated,
//! and the refusals (unknown field, arguments to a field, wrong argument counts and types,
//! undefined template, endless template recursion) are Go's.
//!
//! Where Go's answer depends on something this module does not model (complex numbers,
//! `printf` flags, comparisons of the data pointer, …) execution stops with
//! [`Stop::Unevaluable`]: the template is not refused, only not previewed.

use std::rc::Rc;

use super::fmt::{escaper_input, format_v, html_escape, js_escape, query_escape, sprint, sprintf, sprintln};
use super::number::Number;
use super::parse::{Arg, ArgKind, Command, Control, Node, Pipe, Template};
use super::{Data, ExecError, Rendered};

/// A value during execution: what `reflect.Value` can hold here.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// No value passed along the pipeline yet (Go's `missingVal`).
    Missing,
    /// The zero `reflect.Value` (prints as `<no value>`).
    Invalid,
    /// A nil `any` argument (prints as `<nil>`).
    Nil,
    /// The `*domain.ConfirmURLData` the template runs on.
    Data(Rc<Data>),
    Str(String),
    Bool(bool),
    Int(i64),
    /// A `uint8`, as `index` returns for a string.
    Byte(u8),
    Float(f64),
}

impl Value {
    fn go_type(&self) -> &'static str {
        match self {
            Value::Data(_) => "*domain.ConfirmURLData",
            Value::Str(_) => "string",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Byte(_) => "uint8",
            Value::Float(_) => "float64",
            Value::Missing | Value::Invalid | Value::Nil => "<nil>",
        }
    }

    /// Go's `isTrue` (every value here has a truth).
    fn truth(&self) -> bool {
        match self {
            Value::Missing | Value::Invalid | Value::Nil => false,
            Value::Data(_) => true,
            Value::Str(s) => !s.is_empty(),
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Byte(b) => *b != 0,
            Value::Float(f) => *f != 0.0,
        }
    }
}

/// Why execution stopped early.
pub(super) enum Stop {
    Error(ExecError),
    Unevaluable(String),
    Break,
    Continue,
}

type Step<T> = Result<T, Stop>;

/// The field names of `domain.ConfirmURLData`.
const FIELDS: [&str; 3] = ["UserID", "Code", "OrgID"];

/// Bounds of the local evaluation (Go has none but its own limits; past these we only
/// decline to preview).
const MAX_OUTPUT: usize = 16 * 1024;
const MAX_STEPS: usize = 100_000;
const MAX_DEPTH: usize = 1_000;

struct State<'t> {
    tmpl: &'t Template,
    vars: Vec<(String, Value)>,
    out: String,
    steps: usize,
    /// Active `{{template}}` calls: name and dot.
    calls: Vec<(String, Value)>,
}

fn fail<T>(pos: usize, message: impl Into<String>) -> Step<T> {
    Err(Stop::Error(ExecError {
        message: message.into(),
        pos,
    }))
}

fn unevaluable<T>(why: impl Into<String>) -> Step<T> {
    Err(Stop::Unevaluable(why.into()))
}

pub(super) fn execute(tmpl: &Template, data: Data) -> Result<Rendered, ExecError> {
    let dot = Value::Data(Rc::new(data));
    let mut s = State {
        tmpl,
        vars: vec![("$".to_owned(), dot.clone())],
        out: String::new(),
        steps: 0,
        calls: Vec::new(),
    };
    match s.walk_list(&dot, &tmpl.root) {
        Ok(()) => Ok(Rendered::Text(s.out)),
        Err(Stop::Error(e)) => Err(e),
        Err(Stop::Unevaluable(why)) => Ok(Rendered::Unevaluable(why)),
        // The parser allows these only inside a range.
        Err(Stop::Break | Stop::Continue) => Ok(Rendered::Text(s.out)),
    }
}

impl State<'_> {
    fn tick(&mut self) -> Step<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.out.len() > MAX_OUTPUT {
            return unevaluable("the template does too much to preview");
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &Value, nodes: &[Node]) -> Step<()> {
        for node in nodes {
            self.walk(dot, node)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Value, node: &Node) -> Step<()> {
        self.tick()?;
        match node {
            Node::Text(t) => self.out.push_str(t),
            Node::Action(pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(&v)?;
                }
            }
            Node::If(c) => self.walk_if_or_with(false, dot, c)?,
            Node::With(c) => self.walk_if_or_with(true, dot, c)?,
            Node::Range(c) => self.walk_range(dot, c)?,
            Node::Template { name, pipe, pos } => self.walk_template(dot, name, pipe.as_ref(), *pos)?,
            Node::Break => return Err(Stop::Break),
            Node::Continue => return Err(Stop::Continue),
        }
        Ok(())
    }

    /// `printValue`: the data prints as its struct, a missing value as `<no value>`.
    fn print_value(&mut self, v: &Value) -> Step<()> {
        let text = match v {
            Value::Data(d) => Some(format!("{{{} {} {}}}", d.user_id, d.code, d.org_id)),
            Value::Invalid | Value::Missing => Some("<no value>".to_owned()),
            other => format_v(other),
        };
        match text {
            Some(t) => {
                self.out.push_str(&t);
                Ok(())
            }
            None => unevaluable(format!("cannot print a {} like Go", v.go_type())),
        }
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Value, c: &Control) -> Step<()> {
        let mark = self.vars.len();
        let v = self.eval_pipeline(dot, &c.pipe)?;
        let result = if v.truth() {
            self.walk_list(if with { &v } else { dot }, &c.list)
        } else if let Some(else_list) = &c.else_list {
            self.walk_list(dot, else_list)
        } else {
            Ok(())
        };
        self.vars.truncate(mark);
        result
    }

    fn walk_range(&mut self, dot: &Value, c: &Control) -> Step<()> {
        let outer = self.vars.len();
        let v = self.eval_pipeline(dot, &c.pipe)?;
        let mark = self.vars.len();
        let (n, byte) = match v {
            Value::Int(n) => (n, false),
            Value::Byte(b) => (i64::from(b), true),
            Value::Invalid | Value::Missing => (-1, false),
            Value::Data(d) => {
                return fail(
                    c.pipe.pos,
                    format!(
                        "range can't iterate over {{{} {} {}}}",
                        d.user_id, d.code, d.org_id
                    ),
                );
            }
            other => {
                let shown = format_v(&other).unwrap_or_default();
                return fail(c.pipe.pos, format!("range can't iterate over {shown}"));
            }
        };
        if c.pipe.decl.len() > 1 && n >= 0 {
            return fail(
                c.pipe.pos,
                format!("can't use {n} to iterate over more than one variable"),
            );
        }
        let mut ran = false;
        for i in 0..n.max(0) {
            ran = true;
            let elem = if byte {
                Value::Byte(u8::try_from(i).unwrap_or_default())
            } else {
                Value::Int(i)
            };
            if let Some(name) = c.pipe.decl.first() {
                if c.pipe.is_assign {
                    self.set_var(name, elem.clone(), c.pipe.pos)?;
                } else if let Some(top) = self.vars.last_mut() {
                    top.1 = elem.clone();
                }
            }
            let r = self.walk_list(&elem, &c.list);
            self.vars.truncate(mark);
            match r {
                Ok(()) | Err(Stop::Continue) => {}
                Err(Stop::Break) => break,
                Err(other) => return Err(other),
            }
        }
        let result = match (&c.else_list, ran) {
            (Some(else_list), false) => self.walk_list(dot, else_list),
            _ => Ok(()),
        };
        self.vars.truncate(outer);
        result
    }

    fn walk_template(&mut self, dot: &Value, name: &str, pipe: Option<&Pipe>, pos: usize) -> Step<()> {
        let body = if name.is_empty() {
            Some(&self.tmpl.root)
        } else {
            self.tmpl.defined.get(name)
        };
        let Some(body) = body else {
            return fail(pos, format!("template {name:?} not defined"));
        };
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Invalid,
        };
        // No dynamic scoping: a template sees only its dot, so meeting the same call again
        // inside itself means it recurses until Go's depth limit.
        if self.calls.iter().any(|(n, d)| n == name && *d == new_dot) {
            return fail(pos, "exceeded maximum template depth (100000)");
        }
        if self.calls.len() >= MAX_DEPTH {
            return unevaluable("the templates nest too deeply to preview");
        }
        self.calls.push((name.to_owned(), new_dot.clone()));
        let saved = std::mem::replace(&mut self.vars, vec![("$".to_owned(), new_dot.clone())]);
        let result = self.walk_list(&new_dot, body);
        self.vars = saved;
        self.calls.pop();
        result
    }

    fn set_var(&mut self, name: &str, v: Value, pos: usize) -> Step<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = v;
                Ok(())
            }
            None => fail(pos, format!("undefined variable: {name}")),
        }
    }

    fn var_value(&self, name: &str, pos: usize) -> Step<Value> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => fail(pos, format!("undefined variable: {name}")),
        }
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &Pipe) -> Step<Value> {
        let mut value = Value::Missing;
        for cmd in &pipe.cmds {
            value = self.eval_command(dot, cmd, value)?;
        }
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone(), pipe.pos)?;
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(args: &[Arg], final_: &Value) -> Step<()> {
        if args.len() > 1 || *final_ != Value::Missing {
            let first = &args[0];
            return fail(first.pos, "can't give argument to non-function");
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Value, cmd: &Command, final_: Value) -> Step<Value> {
        self.tick()?;
        let Some(first) = cmd.args.first() else {
            return Ok(Value::Invalid);
        };
        match &first.kind {
            ArgKind::Field(names) => self.eval_field_chain(dot.clone(), names, first.pos, &cmd.args, final_),
            ArgKind::Chain(base, names) => {
                let receiver = self.eval_arg_any(dot, base)?;
                let receiver = if receiver == Value::Nil {
                    Value::Invalid
                } else {
                    receiver
                };
                self.eval_field_chain(receiver, names, first.pos, &cmd.args, final_)
            }
            ArgKind::Identifier(name) => self.eval_function(dot, name, first.pos, &cmd.args[1..], final_),
            ArgKind::Pipe(p) => {
                Self::not_a_function(&cmd.args, &final_)?;
                self.eval_pipeline(dot, p)
            }
            ArgKind::Variable(name, fields) => {
                let v = self.var_value(name, first.pos)?;
                if fields.is_empty() {
                    Self::not_a_function(&cmd.args, &final_)?;
                    return Ok(v);
                }
                self.eval_field_chain(v, fields, first.pos, &cmd.args, final_)
            }
            literal => {
                Self::not_a_function(&cmd.args, &final_)?;
                match literal {
                    ArgKind::Bool(b) => Ok(Value::Bool(*b)),
                    ArgKind::Dot => Ok(dot.clone()),
                    ArgKind::Nil => fail(first.pos, "nil is not a command"),
                    ArgKind::Number(n) => ideal(n),
                    ArgKind::String(s) => Ok(Value::Str(s.clone())),
                    _ => unevaluable("unexpected command"),
                }
            }
        }
    }

    /// `.A.B.C` on `receiver`; only the last field sees the arguments.
    fn eval_field_chain(
        &mut self,
        mut receiver: Value,
        names: &[String],
        pos: usize,
        args: &[Arg],
        final_: Value,
    ) -> Step<Value> {
        let Some((last, init)) = names.split_last() else {
            return Ok(receiver);
        };
        for name in init {
            receiver = Self::eval_field(name, pos, false, receiver)?;
        }
        let has_args = args.len() > 1 || final_ != Value::Missing;
        Self::eval_field(last, pos, has_args, receiver)
    }

    fn eval_field(name: &str, pos: usize, has_args: bool, receiver: Value) -> Step<Value> {
        match receiver {
            Value::Invalid | Value::Missing => Ok(Value::Invalid),
            Value::Data(d) if FIELDS.contains(&name) => {
                if has_args {
                    return fail(
                        pos,
                        format!("{name} has arguments but cannot be invoked as function"),
                    );
                }
                Ok(Value::Str(match name {
                    "UserID" => d.user_id.clone(),
                    "Code" => d.code.clone(),
                    _ => d.org_id.clone(),
                }))
            }
            Value::Nil => unevaluable("a field of nil"),
            other => fail(
                pos,
                format!("can't evaluate field {name} in type {}", other.go_type()),
            ),
        }
    }

    /// An argument where the function takes `any` or `reflect.Value`.
    fn eval_arg_any(&mut self, dot: &Value, arg: &Arg) -> Step<Value> {
        self.tick()?;
        let v = match &arg.kind {
            ArgKind::Dot => dot.clone(),
            ArgKind::Nil => Value::Nil,
            ArgKind::Bool(b) => Value::Bool(*b),
            ArgKind::Number(n) => ideal(n)?,
            ArgKind::String(s) => Value::Str(s.clone()),
            ArgKind::Field(names) => self.eval_field_chain(
                dot.clone(),
                names,
                arg.pos,
                std::slice::from_ref(arg),
                Value::Missing,
            )?,
            ArgKind::Variable(name, fields) => {
                let v = self.var_value(name, arg.pos)?;
                self.eval_field_chain(v, fields, arg.pos, std::slice::from_ref(arg), Value::Missing)?
            }
            ArgKind::Pipe(p) => self.eval_pipeline(dot, p)?,
            ArgKind::Identifier(name) => self.eval_function(dot, name, arg.pos, &[], Value::Missing)?,
            ArgKind::Chain(base, names) => {
                let receiver = self.eval_arg_any(dot, base)?;
                let receiver = if receiver == Value::Nil {
                    Value::Invalid
                } else {
                    receiver
                };
                self.eval_field_chain(
                    receiver,
                    names,
                    arg.pos,
                    std::slice::from_ref(arg),
                    Value::Missing,
                )?
            }
        };
        Ok(match v {
            Value::Missing => Value::Invalid,
            other => other,
        })
    }

    /// An argument of type `string` (printf's format).
    fn eval_arg_string(&mut self, dot: &Value, arg: &Arg) -> Step<String> {
        match &arg.kind {
            ArgKind::String(s) => Ok(s.clone()),
            ArgKind::Bool(_) | ArgKind::Number(_) => fail(arg.pos, "expected string"),
            ArgKind::Nil => fail(arg.pos, "cannot assign nil to string"),
            _ => {
                let v = self.eval_arg_any(dot, arg)?;
                Self::want_string(v, arg.pos)
            }
        }
    }

    fn want_string(v: Value, pos: usize) -> Step<String> {
        match v {
            Value::Str(s) => Ok(s),
            Value::Invalid | Value::Nil | Value::Missing => fail(pos, "invalid value; expected string"),
            other => fail(
                pos,
                format!("wrong type for value; expected string; got {}", other.go_type()),
            ),
        }
    }

    fn eval_function(
        &mut self,
        dot: &Value,
        name: &str,
        pos: usize,
        args: &[Arg],
        final_: Value,
    ) -> Step<Value> {
        let has_final = final_ != Value::Missing;
        let num_in = args.len() + usize::from(has_final);
        let (fixed, variadic) = match name {
            "not" | "len" => (1, false),
            "ne" | "lt" | "le" | "gt" | "ge" => (2, false),
            "and" | "or" | "call" | "index" | "slice" | "eq" | "printf" => (1, true),
            _ => (0, true),
        };
        if variadic && num_in < fixed {
            return fail(
                pos,
                format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                ),
            );
        }
        if !variadic && num_in != fixed {
            return fail(
                pos,
                format!("wrong number of args for {name}: want {fixed} got {num_in}"),
            );
        }
        let calling = |message: String| fail::<Value>(pos, format!("error calling {name}: {message}"));

        if name == "and" || name == "or" {
            let mut v = Value::Invalid;
            for arg in args {
                v = self.eval_arg_any(dot, arg)?;
                if v == Value::Nil {
                    v = Value::Invalid;
                }
                if v.truth() == (name == "or") {
                    return Ok(v);
                }
            }
            if has_final {
                v = final_;
            }
            return Ok(v);
        }
        if name == "printf" {
            let (format, rest) = match args.split_first() {
                Some((f, rest)) => (self.eval_arg_string(dot, f)?, rest),
                None => (Self::want_string(final_.clone(), pos)?, &[][..]),
            };
            let mut values = Vec::new();
            for arg in rest {
                values.push(self.eval_arg_any(dot, arg)?);
            }
            if has_final && !args.is_empty() {
                values.push(any_value(final_));
            }
            return match sprintf(&format, &values) {
                Some(s) => Ok(Value::Str(s)),
                None => unevaluable(format!("printf {format:?} is beyond this preview")),
            };
        }
        let mut values = Vec::new();
        for arg in args {
            values.push(self.eval_arg_any(dot, arg)?);
        }
        if has_final {
            values.push(any_value(final_));
        }
        match name {
            "not" => Ok(Value::Bool(!values[0].truth())),
            "len" => match &values[0] {
                Value::Str(s) => Ok(Value::Int(i64::try_from(s.len()).unwrap_or(i64::MAX))),
                Value::Data(_) => calling("len of type domain.ConfirmURLData".into()),
                Value::Invalid | Value::Nil | Value::Missing => {
                    calling("reflect: call of reflect.Value.Type on zero Value".into())
                }
                other => calling(format!("len of type {}", other.go_type())),
            },
            "index" => index(&values[0], &values[1..]).or_else(calling),
            "slice" => slice(&values[0], &values[1..]).or_else(|m| match m {
                SliceError::Go(m) => calling(m),
                SliceError::Unevaluable(m) => unevaluable(m),
            }),
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" => match compare(name, &values[0], &values[1..]) {
                Ok(Some(b)) => Ok(Value::Bool(b)),
                Ok(None) => unevaluable(format!("{name} on these values is beyond this preview")),
                Err(m) => calling(m.to_owned()),
            },
            // No value here is a function.
            "call" => match &values[0] {
                Value::Invalid | Value::Nil => calling("call of nil".into()),
                other => calling(format!("non-function of type {}", other.go_type())),
            },
            "print" | "println" => {
                let printed = if name == "print" {
                    sprint(&values)
                } else {
                    sprintln(&values)
                };
                printed
                    .map(Value::Str)
                    .map_or_else(|| unevaluable("print of a float"), Ok)
            }
            "urlquery" | "html" | "js" => {
                let Some(input) = escaper_input(&values) else {
                    return unevaluable(format!("{name} of a float"));
                };
                Ok(Value::Str(match name {
                    "urlquery" => query_escape(&input),
                    "html" => html_escape(&input),
                    _ => js_escape(&input),
                }))
            }
            _ => fail(pos, format!("{name:?} is not a defined function")),
        }
    }
}

/// A pipeline's value handed to an `any` parameter.
fn any_value(v: Value) -> Value {
    match v {
        Value::Missing => Value::Invalid,
        other => other,
    }
}

/// `idealConstant`: an untyped number in a place without a type.
fn ideal(n: &Number) -> Step<Value> {
    match n {
        Number::Int(i) | Number::Rune(i) => Ok(Value::Int(*i)),
        Number::Float(f) => Ok(Value::Float(*f)),
        Number::Exotic => unevaluable("a complex or very large number"),
    }
}

/// `indexArg`: an index into something of length `cap`.
fn index_arg(v: &Value, cap: usize) -> Result<usize, String> {
    let x = match v {
        Value::Int(i) => *i,
        Value::Byte(b) => i64::from(*b),
        Value::Invalid | Value::Nil | Value::Missing => {
            return Err("cannot index slice/array with nil".into());
        }
        other => return Err(format!("cannot index slice/array with type {}", other.go_type())),
    };
    match usize::try_from(x) {
        Ok(u) if u <= cap => Ok(u),
        _ => Err(format!("index out of range: {x}")),
    }
}

fn index(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    let mut item = item.clone();
    if matches!(item, Value::Invalid | Value::Nil) {
        return Err("index of untyped nil".into());
    }
    for ix in indexes {
        item = match &item {
            Value::Str(s) => {
                let x = index_arg(ix, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Value::Byte(*b),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Data(_) => return Err("can't index item of type domain.ConfirmURLData".into()),
            other => return Err(format!("can't index item of type {}", other.go_type())),
        };
    }
    Ok(item)
}

enum SliceError {
    Go(String),
    Unevaluable(String),
}

fn slice(item: &Value, indexes: &[Value]) -> Result<Value, SliceError> {
    let go = |m: String| SliceError::Go(m);
    let s = match item {
        Value::Invalid | Value::Nil => return Err(go("slice of untyped nil".into())),
        _ if indexes.len() > 3 => return Err(go(format!("too many slice indexes: {}", indexes.len()))),
        Value::Str(s) => s,
        other => return Err(go(format!("can't slice item of type {}", other.go_type()))),
    };
    if indexes.len() == 3 {
        return Err(go("cannot 3-index slice a string".into()));
    }
    let mut idx = [0, s.len()];
    for (i, ix) in indexes.iter().enumerate() {
        idx[i] = index_arg(ix, s.len()).map_err(go)?;
    }
    if idx[0] > idx[1] {
        return Err(go(format!("invalid slice index: {} > {}", idx[0], idx[1])));
    }
    match s.get(idx[0]..idx[1]) {
        Some(part) => Ok(Value::Str(part.to_owned())),
        None => Err(SliceError::Unevaluable(
            "a slice through a multi-byte character".into(),
        )),
    }
}

#[derive(PartialEq, PartialOrd)]
enum Basic<'a> {
    Bool(bool),
    Int(i64),
    Uint(u8),
    Float(f64),
    Str(&'a str),
}

fn basic(v: &Value) -> Option<Basic<'_>> {
    Some(match v {
        Value::Bool(b) => Basic::Bool(*b),
        Value::Int(i) => Basic::Int(*i),
        Value::Byte(b) => Basic::Uint(*b),
        Value::Float(f) => Basic::Float(*f),
        Value::Str(s) => Basic::Str(s),
        _ => return None,
    })
}

/// `eq`/`lt`/… on basic values: `Ok(None)` where Go's answer needs reflection we don't model.
fn compare(name: &str, a: &Value, rest: &[Value]) -> Result<Option<bool>, &'static str> {
    const INCOMPATIBLE: &str = "incompatible types for comparison";
    const BAD_TYPE: &str = "invalid type for comparison";
    let Some(x) = basic(a) else { return Ok(None) };
    let ordered = |x: &Basic<'_>, y: &Basic<'_>| -> Result<Option<std::cmp::Ordering>, &'static str> {
        Ok(match (x, y) {
            (Basic::Int(i), Basic::Uint(u)) => Some(i.cmp(&i64::from(*u))),
            (Basic::Uint(u), Basic::Int(i)) => Some(i64::from(*u).cmp(i)),
            (Basic::Int(i), Basic::Int(j)) => Some(i.cmp(j)),
            (Basic::Uint(i), Basic::Uint(j)) => Some(i.cmp(j)),
            (Basic::Float(i), Basic::Float(j)) => i.partial_cmp(j),
            (Basic::Str(i), Basic::Str(j)) => Some(i.cmp(j)),
            (Basic::Bool(_), Basic::Bool(_)) => return Err(BAD_TYPE),
            _ => return Err(INCOMPATIBLE),
        })
    };
    let eq = |y: &Basic<'_>| -> Result<bool, &'static str> {
        match (&x, y) {
            (Basic::Bool(i), Basic::Bool(j)) => Ok(i == j),
            _ => ordered(&x, y).map(|o| o == Some(std::cmp::Ordering::Equal)),
        }
    };
    if name == "eq" {
        if rest.is_empty() {
            return Err("missing argument for comparison");
        }
        for r in rest {
            let Some(y) = basic(r) else { return Ok(None) };
            if eq(&y)? {
                return Ok(Some(true));
            }
        }
        return Ok(Some(false));
    }
    let Some(y) = rest.first().and_then(basic) else {
        return Ok(None);
    };
    if name == "ne" {
        return eq(&y).map(|e| Some(!e));
    }
    let lt = match (&x, &y) {
        (Basic::Bool(_), _) | (_, Basic::Bool(_)) => return Err(BAD_TYPE),
        _ => ordered(&x, &y)? == Some(std::cmp::Ordering::Less),
    };
    let le = lt || eq(&y)?;
    Ok(Some(match name {
        "lt" => lt,
        "le" => le,
        "gt" => !le,
        _ => !lt,
    }))
}
