import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '../src/api/openapi-document.js';
import { runMain } from '../src/run-main.js';
import { CLIENT_OPENAPI_PATH, CLIENT_SCHEMA_PATH, renderClientSchema, renderOpenApiJson } from './render-client-schema.js';

/** `npm run generate:client`: writes the served OpenAPI document and the typed client's types from it. */
runMain(async () => {
  const document = await buildOpenApiDocument();
  await writeFile(CLIENT_OPENAPI_PATH, renderOpenApiJson(document));
  await writeFile(CLIENT_SCHEMA_PATH, await renderClientSchema(document));
  process.stdout.write(`wrote ${CLIENT_OPENAPI_PATH} and ${CLIENT_SCHEMA_PATH}\n`);
});
