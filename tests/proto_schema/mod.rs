//! ZITADEL's protobuf schemas as a validator of JSON on the wire: which message a path carries
//! (from each method's `google.api.http` rule, or the Connect path `/<Service>/<Method>`),
//! and whether a body parses as it with protobuf JSON rules and unknown fields refused.
#![allow(dead_code)]

use prost_reflect::{
    DescriptorPool, DeserializeOptions, DynamicMessage, MessageDescriptor, MethodDescriptor, Value,
};

/// One REST binding of a method: `POST /v2/users/{user_id}/email/resend` with body `*`.
#[derive(Debug, Clone)]
pub struct HttpBinding {
    pub verb: String,
    pub template: String,
    /// `*` (the whole request), a field name, or empty (no body).
    pub body: String,
    pub method: MethodDescriptor,
}

pub struct Schema {
    pool: DescriptorPool,
    bindings: Vec<HttpBinding>,
}

/// What checking a request came to.
#[derive(Debug)]
pub enum Verdict {
    /// The path is no protobuf API (OAuth, OIDC, health, a routing miss).
    NotProtobuf,
    Checked(Result<(), String>),
}

/// Whether a concrete path matches a path template (`{x}` and `{x=*}` one segment, `{x=**}`
/// the rest).
pub fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for (i, seg) in t.iter().enumerate() {
        if seg.ends_with("=**}") {
            return p.len() > i;
        }
        match p.get(i) {
            None => return false,
            Some(actual) if seg.starts_with('{') => {
                if actual.is_empty() {
                    return false;
                }
            }
            Some(actual) if actual != seg => return false,
            Some(_) => {}
        }
    }
    t.len() == p.len()
}

/// The field names a template binds from the path (`{user_id}` → `user_id`).
fn path_fields(template: &str) -> Vec<String> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|s| s.split('=').next().unwrap_or(s).to_owned())
        .collect()
}

fn parse(desc: &MessageDescriptor, json: &str) -> Result<DynamicMessage, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    let msg = DynamicMessage::deserialize_with_options(desc.clone(), &mut de, &options)
        .map_err(|e| format!("not a {}: {e}", desc.full_name()))?;
    de.end().map_err(|e| format!("trailing data: {e}"))?;
    Ok(msg)
}

/// The Connect protocol's JSON error (connectrpc.com/docs/protocol, "Error end-stream"): not a
/// protobuf message, so checked here: only its keys, and `code` one of its names.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectError {
    code: String,
    #[serde(default)]
    #[allow(dead_code)]
    message: Option<String>,
    #[serde(default)]
    details: Vec<ConnectDetail>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectDetail {
    #[serde(rename = "type")]
    type_name: String,
    #[allow(dead_code)]
    value: String,
    #[serde(default)]
    #[allow(dead_code)]
    debug: Option<serde_json::Value>,
}

const CONNECT_CODES: &[&str] = &[
    "canceled",
    "unknown",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal",
    "unavailable",
    "data_loss",
    "unauthenticated",
];

impl Schema {
    pub fn load(bytes: &[u8]) -> Schema {
        let pool = DescriptorPool::decode(bytes).expect("the vendored descriptor set decodes");
        let http = pool
            .get_extension_by_name("google.api.http")
            .expect("google/api/annotations.proto is in the set");
        let mut bindings = Vec::new();
        for service in pool.services() {
            for method in service.methods() {
                let options = method.options();
                if !options.has_extension(&http) {
                    continue;
                }
                if let Value::Message(rule) = options.get_extension(&http).as_ref() {
                    let prefix = gateway_prefix(service.package_name());
                    collect_bindings(rule, &method, prefix, &mut bindings);
                }
            }
        }
        assert!(
            !bindings.is_empty(),
            "no google.api.http rules in the descriptor set"
        );
        Schema { pool, bindings }
    }

    pub fn has_rest_template(&self, demo_route: &str) -> bool {
        // The demo names path parameters its own way ({user_id} vs {id}): compare shapes.
        let shape = |t: &str| {
            t.split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        self.bindings
            .iter()
            .any(|b| shape(&b.template) == shape(demo_route))
    }

    fn rest_binding(&self, verb: &str, path: &str) -> Option<&HttpBinding> {
        // Literal segments beat variables, as in grpc-gateway: prefer the fewest variables.
        self.bindings
            .iter()
            .filter(|b| b.verb.eq_ignore_ascii_case(verb) && template_matches(&b.template, path))
            .min_by_key(|b| b.template.matches('{').count())
    }

    /// The method of a Connect path `/<package>.<Service>/<Method>`.
    pub fn connect_method(&self, path: &str) -> Option<MethodDescriptor> {
        let (service, method) = path.strip_prefix('/')?.split_once('/')?;
        if !service.contains('.') {
            return None;
        }
        self.pool
            .get_service_by_name(service)?
            .methods()
            .find(|m| m.name() == method)
    }

    /// A request body as the method's request message, REST body rules applied.
    pub fn check_request(&self, verb: &str, path: &str, body: &str) -> Verdict {
        if let Some(method) = self.connect_method(path) {
            return Verdict::Checked(parse(&method.input(), body).map(|_| ()));
        }
        let Some(binding) = self.rest_binding(verb, path) else {
            return Verdict::NotProtobuf;
        };
        Verdict::Checked(self.check_rest_body(binding, body))
    }

    fn check_rest_body(&self, binding: &HttpBinding, body: &str) -> Result<(), String> {
        let input = binding.method.input();
        match binding.body.as_str() {
            "" if body.is_empty() => Ok(()),
            "" => Err(format!("{} takes no body", binding.method.full_name())),
            "*" => {
                let msg = parse(&input, body)?;
                // Path parameters travel in the path; in the body they would be overwritten.
                match path_fields(&binding.template)
                    .into_iter()
                    .find(|f| msg.has_field_by_name(f))
                {
                    Some(f) => Err(format!("path parameter {f} repeated in the body")),
                    None => Ok(()),
                }
            }
            field => {
                let f = input
                    .get_field_by_name(field)
                    .ok_or_else(|| format!("no body field {field}"))?;
                match f.kind().as_message() {
                    Some(m) => parse(m, body).map(|_| ()),
                    None => Err(format!("body field {field} is no message")),
                }
            }
        }
    }

    /// An answer: a success as the method's response message, an error as grpc-gateway's
    /// `google.rpc.Status` (REST) or the Connect error JSON (Connect paths).
    pub fn check_answer(&self, verb: &str, path: &str, status: u16, body: &str) -> Result<(), String> {
        let connect = path.starts_with("/zitadel.");
        if (200..300).contains(&status) {
            let method = if connect {
                self.connect_method(path)
            } else {
                self.rest_binding(verb, path).map(|b| b.method.clone())
            }
            .ok_or_else(|| format!("a {status} on {verb} {path}, which no schema method serves"))?;
            return parse(&method.output(), body).map(|_| ());
        }
        if connect {
            let e: ConnectError =
                serde_json::from_str(body).map_err(|e| format!("not a Connect error: {e}"))?;
            if !CONNECT_CODES.contains(&e.code.as_str()) {
                return Err(format!("{} is no Connect code", e.code));
            }
            if let Some(d) = e
                .details
                .iter()
                .find(|d| self.pool.get_message_by_name(&d.type_name).is_none())
            {
                return Err(format!("detail type {} is not in the schema", d.type_name));
            }
            return Ok(());
        }
        let status_desc = self
            .pool
            .get_message_by_name("google.rpc.Status")
            .ok_or("google.rpc.Status is missing from the descriptor set")?;
        parse(&status_desc, body).map(|_| ())
    }
}

/// Where ZITADEL mounts a package's grpc-gateway: the v1 APIs' annotations are relative to a
/// prefix (`GatewayPathPrefix()` in internal/api/grpc/auth/server.go at v4.13.1: "/auth/v1"),
/// the v2 and resource APIs' are absolute.
fn gateway_prefix(package: &str) -> &'static str {
    match package {
        "zitadel.auth.v1" => "/auth/v1",
        "zitadel.management.v1" => "/management/v1",
        "zitadel.admin.v1" => "/admin/v1",
        "zitadel.system.v1" => "/system/v1",
        _ => "",
    }
}

fn collect_bindings(
    rule: &DynamicMessage,
    method: &MethodDescriptor,
    prefix: &str,
    out: &mut Vec<HttpBinding>,
) {
    let text = |name: &str| match rule.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    for verb in ["get", "put", "post", "delete", "patch"] {
        if rule.has_field_by_name(verb) {
            out.push(HttpBinding {
                verb: verb.to_ascii_uppercase(),
                template: format!("{prefix}{}", text(verb)),
                body: text("body"),
                method: method.clone(),
            });
        }
    }
    if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").as_deref() {
        for v in more {
            if let Value::Message(m) = v {
                collect_bindings(m, method, prefix, out);
            }
        }
    }
}
