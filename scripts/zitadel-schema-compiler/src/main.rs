//! Compiles ZITADEL's `.proto` files of one release into the descriptor set the schema test
//! reads. Third-party option files (validate, google.api, openapiv2) come from a descriptor
//! set extracted from @zitadel/proto (they only carry options); the well-known types from
//! protox. `google/rpc/status.proto` is copied from that set too.
//!
//!   zitadel-schema-compiler PROTO_DIR THIRD_PARTY.binpb OUT.binpb
use std::path::PathBuf;

use prost::Message;
use protox::file::{ChainFileResolver, DescriptorSetFileResolver, GoogleFileResolver, IncludeFileResolver};

const ROOTS: &[&str] = &[
    "zitadel/user/v2/user_service.proto",
    "zitadel/org/v2/org_service.proto",
    "zitadel/resources/user/v3alpha/user_service.proto",
    "zitadel/auth.proto",
    "zitadel/management.proto",
    "zitadel/message.proto",
    "google/protobuf/any.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, proto_dir, third_party, out] = args.as_slice() else {
        return Err("usage: zitadel-schema-compiler PROTO_DIR THIRD_PARTY.binpb OUT.binpb".into());
    };
    let set = prost_types::FileDescriptorSet::decode(std::fs::read(third_party)?.as_slice())?;
    let status: Vec<_> = set
        .file
        .iter()
        .filter(|f| f.name() == "google/rpc/status.proto")
        .cloned()
        .collect();
    if status.is_empty() {
        return Err("google/rpc/status.proto is not in the third-party set".into());
    }
    let mut resolver = ChainFileResolver::new();
    resolver.add(IncludeFileResolver::new(PathBuf::from(proto_dir)));
    resolver.add(GoogleFileResolver::new());
    resolver.add(DescriptorSetFileResolver::new(set));
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true).include_source_info(false);
    compiler.open_files(ROOTS)?;
    // Sets concatenate: `repeated FileDescriptorProto file = 1`.
    let mut bytes = compiler.encode_file_descriptor_set();
    bytes.extend(prost_types::FileDescriptorSet { file: status }.encode_to_vec());
    std::fs::write(out, &bytes)?;
    println!("{} files, {} bytes", compiler.files().len() + 1, bytes.len());
    Ok(())
}
