//! Go's `text/template`, as far as ZITADEL uses it for a `urlTemplate`: parse the text, then
//! execute it against `domain.ConfirmURLData{UserID, Code, OrgID}` (three strings).
//!
//! ZITADEL test-renders every template it is given (`internal/domain/url_template.go` at
//! v4.13.1): a parse error is refused as `DOMAIN-oGh5e`, an execution error as
//! `DOMAIN-ieYa7`, and anything else is accepted. The client and the demo both use this
//! module, so zitadesk refuses exactly what ZITADEL refuses, and the console can show the
//! link as Go would render it.
//!
//! Why our own code and not the `gtmpl` crate (0.7.1, "passively maintained", last release
//! 2021): it lacks `html`, `js`, `slice`, `break`/`continue` and `else with`, reports unknown
//! functions at execution rather than parsing, and spawns a thread per lexer. ZITADEL's data
//! is three strings, so the part of Go's semantics we need is small enough to follow line by
//! line (`text/template/parse/lex.go`, `parse.go`, `exec.go`, `funcs.go`, Go 1.25 as ZITADEL
//! v4.13.1 builds with). Where Go's answer depends on something not modelled here (complex
//! numbers, `printf` flags, …) the template is accepted and only the preview is missing
//! ([`Rendered::Unevaluable`]): ZITADEL would most likely accept it too.

mod exec;
mod fmt;
mod lex;
mod number;
mod parse;

pub use parse::{Template, parse};

/// The data ZITADEL executes a template with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    pub user_id: String,
    pub code: String,
    pub org_id: String,
}

/// Go would refuse the template at parsing (ZITADEL: `DOMAIN-oGh5e`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset in the template where Go's parser stopped.
    pub pos: usize,
}

/// Go would refuse the template while executing it (ZITADEL: `DOMAIN-ieYa7`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    pub message: String,
    /// Byte offset of the action that failed.
    pub pos: usize,
}

/// Why Go's `text/template` refuses a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoTemplateError {
    Parse(ParseError),
    Exec(ExecError),
}

impl GoTemplateError {
    pub fn message(&self) -> &str {
        match self {
            GoTemplateError::Parse(e) => &e.message,
            GoTemplateError::Exec(e) => &e.message,
        }
    }

    /// Byte offset in the template.
    pub fn pos(&self) -> usize {
        match self {
            GoTemplateError::Parse(e) => e.pos,
            GoTemplateError::Exec(e) => e.pos,
        }
    }
}

/// What executing a template gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// Exactly what Go would write.
    Text(String),
    /// Go would execute it, but this module cannot say what it writes (the reason, for
    /// people).
    Unevaluable(String),
}

impl Template {
    /// Executes like `tmpl.Execute(w, &ConfirmURLData{…})`.
    pub fn execute(&self, data: Data) -> Result<Rendered, ExecError> {
        exec::execute(self, data)
    }
}

/// Parses and executes, as ZITADEL's `RenderConfirmURLTemplate` does.
pub fn render(text: &str, data: Data) -> Result<Rendered, GoTemplateError> {
    let template = parse(text).map_err(GoTemplateError::Parse)?;
    template.execute(data).map_err(GoTemplateError::Exec)
}

#[cfg(test)]
mod tests;
