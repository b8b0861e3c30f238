import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/api/openapi-document.js';
import { CLIENT_OPENAPI_PATH, CLIENT_SCHEMA_PATH, renderClientSchema, renderOpenApiJson } from '../../scripts/render-client-schema.js';

describe('the typed client follows the served API', () => {
  it('has committed types equal to those generated from the OpenAPI document the app serves now', async () => {
    const document = await buildOpenApiDocument();
    const committed = await readFile(CLIENT_SCHEMA_PATH, 'utf8');
    // On failure: run `npm run generate:client` and commit the result.
    expect(committed, `${CLIENT_SCHEMA_PATH} is stale: run npm run generate:client`).toBe(await renderClientSchema(document));
    expect(await readFile(CLIENT_OPENAPI_PATH, 'utf8'), `${CLIENT_OPENAPI_PATH} is stale: run npm run generate:client`).toBe(renderOpenApiJson(document));
  });
});
