// OpenAPI 3.1 from the endpoint table. JSON Schema comes from zod 4's own z.toJSONSchema
// (draft 2020-12, which OpenAPI 3.1 uses as its schema dialect).
import { z } from 'zod';
import { API_PREFIX, type Endpoint } from './endpoints.ts';
import { Problem } from './common.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input');
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

export interface OpenApiInfo {
  title?: string;
  version: string;
}

export function buildOpenApiDocument(
  endpoints: Record<string, Endpoint>,
  info: OpenApiInfo,
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of Object.values(endpoints)) {
    const path = API_PREFIX + e.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(e.status)]:
        e.response === null
          ? { description: 'No content' }
          : {
              description: 'Success',
              content: { 'application/json': { schema: jsonSchema(e.response, 'output') } },
            },
    };
    if (e.params || e.query || e.body)
      responses['400'] = problemResponse('Invalid input; `errors` names each field');
    if (e.auth) {
      responses['401'] = problemResponse('Missing, invalid or expired token');
      responses['403'] = problemResponse('The token’s role may not use this route');
    }
    if (e.params) responses['404'] = problemResponse('No such record');
    if (e.write) {
      responses['409'] = problemResponse('Conflicts with an existing record');
      responses['413'] = problemResponse('Body over 1 MB');
    }
    responses['503'] = problemResponse('Database unavailable, draining, or writes frozen');
    paths[path] ??= {};
    paths[path][e.method] = {
      operationId: e.operationId,
      summary: e.summary,
      tags: [e.tag],
      ...(e.auth ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: [...parameters(e.params, 'path'), ...parameters(e.query, 'query')],
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(e.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'bot-mox API', version: info.version },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Supabase access token',
        },
      },
      schemas: { Problem: jsonSchema(Problem, 'output') },
    },
  };
}
