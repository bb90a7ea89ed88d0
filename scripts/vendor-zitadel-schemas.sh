#!/usr/bin/env bash
# Regenerates tests/schemas/zitadel-<tag>.binpb: a FileDescriptorSet of the ZITADEL protobuf
# files the schema test needs (tests/schema_conformance.rs), compiled from the `.proto` files
# of a ZITADEL release with protox (scripts/zitadel-schema-compiler). The third-party option
# files they import (validate, google.api, openapiv2) are taken from the npm package
# @zitadel/proto, which embeds each file's descriptor in its generated JavaScript
# (`fileDesc("<base64 FileDescriptorProto>", [deps])`). Needs git, node/npm and cargo, only
# here: `cargo test` reads the vendored file and needs nothing but cargo.
#
#   scripts/vendor-zitadel-schemas.sh ZITADEL_GIT_DIR [TAG] [NPM_VERSION]
#     ZITADEL_GIT_DIR  a clone of ZITADEL (or a fork carrying its tags, e.g. cryoforgedcom/zitadel)
#     TAG              default v4.13.1
#     NPM_VERSION      @zitadel/proto for the third-party files, default 1.3.1
#
# The set holds the services the client calls and every file they import (well-known types
# included), plus google/rpc/status.proto, which @zitadel/proto does not ship: it is written
# out below field for field from googleapis' google/rpc/status.proto (Apache-2.0), the body
# of grpc-gateway's error answers. Source info is dropped; nothing else is changed.
set -euo pipefail

git_dir="${1:?usage: $0 ZITADEL_GIT_DIR [TAG] [NPM_VERSION]}"
tag="${2:-v4.13.1}"
version="${3:-1.3.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/tests/schemas/zitadel-$tag.binpb"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "@zitadel/proto@$version" >/dev/null

cat > extract.mjs <<'JS'
import { writeFileSync } from "node:fs";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  file_google_protobuf_any,
} from "@bufbuild/protobuf/wkt";

// The services zitadesk calls (src/api) and the demo serves (src/demo/routes.rs), and the
// message that carries ZITADEL's error details.
const roots = [
  ["@zitadel/proto/zitadel/user/v2/user_service_pb.js", "file_zitadel_user_v2_user_service"],
  ["@zitadel/proto/zitadel/org/v2/org_service_pb.js", "file_zitadel_org_v2_org_service"],
  [
    "@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb.js",
    "file_zitadel_resources_user_v3alpha_user_service",
  ],
  ["@zitadel/proto/zitadel/auth_pb.js", "file_zitadel_auth"],
  ["@zitadel/proto/zitadel/management_pb.js", "file_zitadel_management"],
  ["@zitadel/proto/zitadel/message_pb.js", "file_zitadel_message"],
];

// Dependencies before dependents, each file once.
const ordered = [];
const seen = new Set();
function visit(file) {
  if (seen.has(file.name)) return;
  seen.add(file.name);
  for (const dep of file.dependencies) visit(dep);
  const proto = create(FileDescriptorProtoSchema, file.proto);
  proto.sourceCodeInfo = undefined;
  ordered.push(proto);
}
for (const [module, name] of roots) {
  const loaded = await import(module);
  if (!loaded[name]) throw new Error(`${module} exports no ${name}`);
  visit(loaded[name]);
}
visit(file_google_protobuf_any);

// google/rpc/status.proto from googleapis (Apache-2.0): grpc-gateway's error body.
ordered.push(
  create(FileDescriptorProtoSchema, {
    name: "google/rpc/status.proto",
    package: "google.rpc",
    dependency: ["google/protobuf/any.proto"],
    syntax: "proto3",
    messageType: [
      {
        name: "Status",
        field: [
          { name: "code", number: 1, label: 1, type: 5, jsonName: "code" },
          { name: "message", number: 2, label: 1, type: 9, jsonName: "message" },
          {
            name: "details",
            number: 3,
            label: 3,
            type: 11,
            typeName: ".google.protobuf.Any",
            jsonName: "details",
          },
        ],
      },
    ],
  }),
);

const set = create(FileDescriptorSetSchema, { file: ordered });
writeFileSync(process.argv[2], toBinary(FileDescriptorSetSchema, set));
console.log(`${ordered.length} files: ${ordered.map((f) => f.name).join(" ")}`);
JS

node extract.mjs "$work/npm.binpb"
mkdir -p "$work/src/proto/zitadel"
# The subtree alone: a partial clone (large files absent) cannot archive the whole tag.
git --git-dir="$git_dir" archive "$tag:proto/zitadel" | tar -x -C "$work/src/proto/zitadel"
cargo run --quiet --release --manifest-path "$root/scripts/zitadel-schema-compiler/Cargo.toml" -- \
  "$work/src/proto" "$work/npm.binpb" "$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
