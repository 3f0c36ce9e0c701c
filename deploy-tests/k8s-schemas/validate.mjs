// Validates Kubernetes objects against the schemas of a recent Kubernetes release (kubernetes-models)
// and of the CRDs Chorus may render (Gateway API's HTTPRoute, prometheus-operator's ServiceMonitor),
// offline and strictly:
//   - every field must have the schema's type and every required field must be there (the
//     schemas' own checks, compiled ajv validators);
//   - a field the schema does not declare is an error ("unknown field"), as the API server's
//     strict field validation (kubectl --validate=strict) would say. The compiled validators do
//     not check this (the OpenAPI schemas leave additionalProperties open), so each object is
//     validated through a Proxy that records which properties the validator looks up: a typed
//     object's validator looks up every property its schema declares, present or not, and
//     enumerates the keys only of maps (labels, data, resources, ...). A key of a typed object
//     that was never looked up is therefore not in its schema. Objects whose schema is free-form
//     (no declared properties, x-kubernetes-preserve-unknown-fields) are left alone, as the API
//     server leaves them;
//   - built-in APIs must be served by default: only GA versions (v1, v2); beta APIs are off by
//     default since Kubernetes 1.24 and the old ones have been removed.
//
// Usage: node validate.mjs [FILE]   reads a JSON array of objects from FILE, or from stdin.
// Prints a JSON array, one entry per object in order:
//   {"index": 0, "apiVersion": "...", "kind": "...", "name": "...", "errors": [{"path": "/spec/replicas", "message": "..."}]}
// Exit status: 0 when every object is valid, 1 when one is not, 2 when the input cannot be read.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CORE = "kubernetes-models";
const PACKAGES = [CORE, "@kubernetes-models/gateway-api", "@kubernetes-models/prometheus-operator"];
const API_VERSION = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function fail(message) {
  process.stderr.write(`validate.mjs: ${message}\n`);
  process.exit(2);
}

// node_modules must be what package-lock.json pins (a stale install would validate against old schemas).
function checkInstall() {
  const here = (file) => fileURLToPath(new URL(file, import.meta.url));
  let lock;
  try {
    lock = JSON.parse(readFileSync(here("package-lock.json"), "utf8"));
  } catch (e) {
    fail(`cannot read package-lock.json: ${e.message}`);
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || path.lastIndexOf("node_modules/") !== 0) continue;
    let installed;
    try {
      installed = JSON.parse(readFileSync(here(`${path}/package.json`), "utf8")).version;
    } catch {
      installed = "nothing";
    }
    if (installed === "nothing" && (entry.optional || entry.peer)) continue;
    if (installed !== entry.version) {
      fail(`${path} is ${installed}, package-lock.json pins ${entry.version}: run npm ci in ${here(".")}`);
    }
  }
}

const models = new Map();

async function modelFor(apiVersion, kind) {
  const id = `${apiVersion}/${kind}`;
  if (!models.has(id)) {
    let found = null;
    for (const pkg of PACKAGES) {
      let module;
      try {
        module = await import(`${pkg}/${apiVersion}/${kind}`);
      } catch (e) {
        if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") continue;
        throw e;
      }
      const model = module[kind];
      if (model && model.apiVersion === apiVersion && model.kind === kind) {
        found = { model, builtIn: pkg === CORE };
        break;
      }
    }
    models.set(id, found);
  }
  return models.get(id);
}

// Wraps a JSON value so that every property lookup and key enumeration is recorded.
function tracked(root) {
  const lookups = new Map(); // object -> names looked up
  const enumerated = new WeakSet(); // objects whose keys were listed (maps)
  const proxies = new WeakMap();
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      lookups.set(value, new Set());
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key === "string") lookups.get(target).add(key);
          return wrap(Reflect.get(target, key, receiver));
        },
        has(target, key) {
          if (typeof key === "string") lookups.get(target).add(key);
          return Reflect.has(target, key);
        },
        ownKeys(target) {
          enumerated.add(target);
          return Reflect.ownKeys(target);
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  return { proxy: wrap(root), lookups, enumerated };
}

const pointer = (key) => "/" + String(key).replace(/~/g, "~0").replace(/\//g, "~1");

function unknownFields(node, path, seen, errors) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => unknownFields(item, path + pointer(i), seen, errors));
    return;
  }
  if (node === null || typeof node !== "object") return;
  const lookedUp = seen.lookups.get(node);
  // Never reached (inside a value of the wrong type, reported already), or free-form.
  if (!lookedUp) return;
  const isMap = seen.enumerated.has(node);
  if (!isMap && lookedUp.size === 0) return;
  for (const key of Object.keys(node)) {
    if (isMap || lookedUp.has(key)) {
      unknownFields(node[key], path + pointer(key), seen, errors);
    } else {
      errors.push({ path: path + pointer(key), message: "unknown field (not in the schema)" });
    }
  }
}

async function validate(object) {
  const errors = [];
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    return [{ path: "", message: "not an object" }];
  }
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || !API_VERSION.test(apiVersion)) {
    return [{ path: "/apiVersion", message: `not an API version: ${JSON.stringify(apiVersion)}` }];
  }
  if (typeof kind !== "string" || !KIND.test(kind)) {
    return [{ path: "/kind", message: `not a kind: ${JSON.stringify(kind)}` }];
  }
  const found = await modelFor(apiVersion, kind);
  if (!found) {
    return [{ path: "/kind", message: `no schema for ${kind} in ${apiVersion} (a misspelt or removed API, or a CRD this validator does not know)` }];
  }
  if (found.builtIn && !/^(.*\/)?v[0-9]+$/.test(apiVersion)) {
    errors.push({ path: "/apiVersion", message: `${apiVersion} is not a GA API: beta APIs are off by default since Kubernetes 1.24, and old ones are removed` });
  }
  const seen = tracked(object);
  try {
    found.model.prototype.validate.call(seen.proxy);
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    for (const err of e.errors) {
      const detail = err.params && Object.keys(err.params).length ? ` ${JSON.stringify(err.params)}` : "";
      errors.push({ path: err.instancePath, message: `${err.message ?? err.keyword}${detail}` });
    }
  }
  unknownFields(object, "", seen, errors);
  return errors;
}

checkInstall();
let input;
try {
  input = JSON.parse(readFileSync(process.argv[2] ?? 0, "utf8"));
} catch (e) {
  fail(`cannot read a JSON array of objects: ${e.message}`);
}
if (!Array.isArray(input)) fail("the input is not a JSON array");

const results = [];
for (const [index, object] of input.entries()) {
  results.push({
    index,
    apiVersion: object?.apiVersion ?? null,
    kind: object?.kind ?? null,
    name: object?.metadata?.name ?? null,
    errors: await validate(object),
  });
}
process.stdout.write(JSON.stringify(results, null, 1) + "\n");
process.exitCode = results.some((r) => r.errors.length > 0) ? 1 : 0;
