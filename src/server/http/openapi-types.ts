/** The parts of an OpenAPI 3.1 operation object each route documents (openapi.ts adds the rest). */

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ParameterDoc {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
  /** Used in the example request a test sends to check the documentation (test/rest-openapi.test.ts). */
  readonly example?: unknown;
}

export interface MediaDoc {
  readonly schema: JsonSchema;
  /** Named example values; each request example is sent by the documentation test. */
  readonly examples?: Readonly<Record<string, { readonly summary: string; readonly value: unknown }>>;
}

export interface ResponseDoc {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
  readonly content?: Readonly<Record<string, MediaDoc>>;
}

export interface RouteDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly ParameterDoc[];
  readonly requestBody?: {
    readonly description: string;
    readonly required: boolean;
    readonly content: Readonly<Record<string, MediaDoc>>;
  };
  readonly responses: Readonly<Record<string, ResponseDoc>>;
}
