import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
  'x-webhooks': Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
}

const require = createRequire(import.meta.url);
/** GitHub's official description of api.github.com, as published in @octokit/openapi. */
export const spec = toJsonSchema(JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'))) as Spec;

// strict:false because GitHub's description uses OpenAPI keywords (`nullable`, `x-*`) Ajv does not know.
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema(spec as object, 'api');

const cache = new Map<string, ValidateFunction | null>();

function pointer(...segments: string[]): string {
  return segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks a response against the schema GitHub documents for that operation and status.
 * An undocumented status is a failure; a documented status without a body schema only
 * requires an empty body.
 */
export function validateResponse(method: string, template: string, status: number, body: unknown): Verdict {
  const operation = spec.paths[template]?.[method.toLowerCase()];
  if (!operation) return { ok: false, reason: `${method} ${template} is not in GitHub's OpenAPI description` };
  let response = operation.responses[String(status)];
  if (!response) return { ok: false, reason: `${method} ${template} does not document status ${status}` };
  let path = ['paths', template, method.toLowerCase(), 'responses', String(status)];
  if (response.$ref) {
    const name = response.$ref.split('/').pop() ?? '';
    response = spec.components.responses[name] ?? {};
    path = ['components', 'responses', name];
  }
  const mediaType = response.content?.['application/json'] ? 'application/json' : Object.keys(response.content ?? {})[0];
  let key = pointer(...path, 'content', mediaType ?? '', 'schema');
  if (!mediaType || !response.content?.[mediaType]?.schema) {
    // GitHub documents some error statuses without a body, yet answers them with its usual
    // error object; successes documented without a body must have none.
    if (status < 400) return body === undefined || body === '' || body === null ? { ok: true } : { ok: false, reason: `status ${status} documents no body` };
    key = pointer('components', 'schemas', 'basic-error');
  }
  if (!cache.has(key)) cache.set(key, ajv.compile({ $ref: `api#/${key}` }));
  const validate = cache.get(key)!;
  return validate(body) ? { ok: true } : { ok: false, reason: ajv.errorsText(validate.errors, { separator: '\n' }) };
}

/**
 * Checks a webhook payload against the `x-webhooks` schema of its event; events with actions
 * are described per action (`repository-renamed`).
 */
export function validateWebhook(event: string, payload: unknown): Verdict {
  const action = (payload as { action?: unknown } | null)?.action;
  // Webhook names are hyphenated in the description (`issue-comment-created`) where events use underscores.
  const base = event.replace(/_/g, '-');
  const name = !spec['x-webhooks'][base] && typeof action === 'string' ? `${base}-${action}` : base;
  const key = pointer('x-webhooks', name, 'post', 'requestBody', 'content', 'application/json', 'schema');
  if (!spec['x-webhooks'][name]) return { ok: false, reason: `no webhook ${name}` };
  if (!cache.has(key)) cache.set(key, ajv.compile({ $ref: `api#/${key}` }));
  const validate = cache.get(key)!;
  return validate(payload) ? { ok: true } : { ok: false, reason: ajv.errorsText(validate.errors, { separator: '\n' }) };
}

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: turn it into `type: [t, "null"]`, or an
 * `anyOf` with `null` where the schema has no `type` (GitHub uses it next to allOf/anyOf/$ref).
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toJsonSchema(value);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
