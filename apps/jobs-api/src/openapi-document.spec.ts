import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { jobCatalog } from '@async-jobs/job-catalog';
import { deploymentSettings } from '@async-jobs/platform';
import { openApiDocument } from './openapi-document';
import { ROUTES } from './routes';

const document = openApiDocument(jobCatalog({ sleepMaxSeconds: 300 }));
const paths = document['paths'] as Record<string, Record<string, { operationId: string }>>;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3 document (checked by a real validator)', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toMatchObject({ openapi: '3.0.3' });
  });

  it('documents exactly the routes the API serves, with the same operation names', () => {
    const served = ROUTES.flatMap((route) =>
      Object.entries(route.methods).map(([method, name]) => `${method.toLowerCase()} ${route.resource} ${name}`),
    ).sort();
    const documented = Object.entries(paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => `${method} ${path} ${operation.operationId}`),
      )
      .sort();
    expect(documented).toEqual(served);
  });

  it('takes the submit request schema from the job types (one source)', () => {
    const schemas = (document['components'] as { schemas: Record<string, { anyOf?: unknown[] }> }).schemas;
    // {"seconds"} and one envelope per served type, the teams' included.
    expect(schemas['SubmitJobRequest'].anyOf).toHaveLength(1 + jobCatalog({ sleepMaxSeconds: 300 }).names().length);
    expect(JSON.stringify(schemas['SubmitJobRequest'])).toContain('"maximum":3600');
  });
});

describe('docs/openapi.json', () => {
  it('is the generated document, current (regenerate with: npx nx run jobs-api:openapi)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../docs/openapi.json'), 'utf8'));
    expect(committed).toEqual(openApiDocument(jobCatalog({ sleepMaxSeconds: deploymentSettings('dev').jobs.sleepMaxSeconds })));
  });
});
