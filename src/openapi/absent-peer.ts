// hono-openapi converts a schema to JSON Schema through the converter of the library it comes
// from, importing that library's helper (effect, sury, @valibot/to-json-schema,
// zod-to-json-schema, zod-openapi) on first use. Every schema here is zod 4, which converts itself,
// so none of them is ever reached; wrangler.toml's [alias] points each at this module so the
// bundle holds no import a Worker cannot resolve (workerd refuses to load one that does).
export {};
throw new Error('This schema library is not bundled: Gatehouse describes its routes with zod 4 only.');
