/**
 * @module Test fixture: JSON schemas for structured outputs, each with a name; every one is turned into a
 * grammar and every answer generated under it must validate (json-schema.test.ts). Strings are bounded
 * where a random model would otherwise rarely close them; so are property names, hence no schema here
 * with additional properties (a random model does not end a free key within any token budget).
 */

const str = (maxLength = 8) => ({ type: "string", maxLength });

/** The corpus: objects, required and optional, enums, arrays with bounds, refs (recursive too), unions, formats. */
export const SCHEMAS: ReadonlyArray<{ name: string; schema: Record<string, unknown> }> = [
  {
    name: "person",
    schema: {
      type: "object",
      properties: { name: str(), age: { type: "integer", minimum: 0, maximum: 150 } },
      required: ["name", "age"],
      additionalProperties: false,
    },
  },
  {
    name: "optional_fields",
    schema: {
      type: "object",
      properties: { a: { type: "boolean" }, b: { type: "null" }, c: { type: "number" }, d: str(4) },
      required: ["c"],
      additionalProperties: false,
    },
  },
  {
    name: "enum_color",
    schema: {
      type: "object",
      properties: { color: { enum: ["red", "green", "blue"] } },
      required: ["color"],
      additionalProperties: false,
    },
  },
  {
    name: "const_version",
    schema: {
      type: "object",
      properties: { v: { const: 2 }, kind: { const: "x" } },
      required: ["v", "kind"],
      additionalProperties: false,
    },
  },
  {
    name: "bounded_array",
    schema: {
      type: "object",
      properties: { tags: { type: "array", items: { enum: ["a", "b", "c"] }, minItems: 2, maxItems: 4 } },
      required: ["tags"],
      additionalProperties: false,
    },
  },
  {
    name: "nested_arrays",
    schema: {
      type: "object",
      properties: {
        grid: {
          type: "array",
          minItems: 1,
          maxItems: 3,
          items: {
            type: "array",
            items: { type: "integer", minimum: -5, maximum: 5 },
            minItems: 2,
            maxItems: 2,
          },
        },
      },
      required: ["grid"],
      additionalProperties: false,
    },
  },
  {
    name: "refs",
    schema: {
      type: "object",
      $defs: {
        point: {
          type: "object",
          properties: { x: { type: "integer" }, y: { type: "integer" } },
          required: ["x", "y"],
          additionalProperties: false,
        },
      },
      properties: { from: { $ref: "#/$defs/point" }, to: { $ref: "#/$defs/point" } },
      required: ["from", "to"],
      additionalProperties: false,
    },
  },
  {
    name: "recursive_tree",
    schema: {
      $defs: {
        node: {
          type: "object",
          properties: {
            v: { type: "integer", minimum: 0, maximum: 9 },
            kids: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 2 },
          },
          required: ["v", "kids"],
          additionalProperties: false,
        },
      },
      $ref: "#/$defs/node",
    },
  },
  {
    name: "recursive_root",
    schema: {
      type: "object",
      properties: { name: str(3), child: { anyOf: [{ $ref: "#" }, { type: "null" }] } },
      required: ["name", "child"],
      additionalProperties: false,
    },
  },
  {
    name: "any_of",
    schema: {
      type: "object",
      properties: { value: { anyOf: [{ type: "integer" }, str(), { type: "boolean" }] } },
      required: ["value"],
      additionalProperties: false,
    },
  },
  {
    name: "one_of_objects",
    schema: {
      type: "object",
      properties: {
        shape: {
          oneOf: [
            {
              type: "object",
              properties: { kind: { const: "circle" }, r: { type: "number", minimum: 0 } },
              required: ["kind", "r"],
              additionalProperties: false,
            },
            {
              type: "object",
              properties: { kind: { const: "square" }, side: { type: "integer" } },
              required: ["kind", "side"],
              additionalProperties: false,
            },
          ],
        },
      },
      required: ["shape"],
      additionalProperties: false,
    },
  },
  {
    name: "nullable_type_list",
    schema: {
      type: "object",
      properties: { note: { type: ["string", "null"], maxLength: 5 } },
      required: ["note"],
      additionalProperties: false,
    },
  },
  {
    name: "formats",
    schema: {
      type: "object",
      properties: {
        day: { type: "string", format: "date" },
        at: { type: "string", format: "time" },
        when: { type: "string", format: "date-time" },
        id: { type: "string", format: "uuid" },
      },
      required: ["day", "at", "when", "id"],
      additionalProperties: false,
    },
  },
  {
    name: "string_bounds",
    schema: {
      type: "object",
      properties: {
        code: { type: "string", minLength: 3, maxLength: 3 },
        word: { type: "string", minLength: 1, maxLength: 6 },
      },
      required: ["code", "word"],
      additionalProperties: false,
    },
  },
  {
    name: "integer_ranges",
    schema: {
      type: "object",
      properties: {
        port: { type: "integer", minimum: 1024, maximum: 65535 },
        neg: { type: "integer", exclusiveMaximum: 0, minimum: -120 },
        big: { type: "integer", minimum: 1000 },
        small: { type: "integer", maximum: -7 },
      },
      required: ["port", "neg", "big", "small"],
      additionalProperties: false,
    },
  },
  {
    name: "tuple",
    schema: { type: "array", prefixItems: [{ type: "integer" }, str(3), { type: "boolean" }], items: false },
  },
  {
    name: "tuple_then_items",
    schema: {
      type: "array",
      prefixItems: [{ const: "head" }],
      items: { type: "integer", maximum: 9 },
      minItems: 2,
      maxItems: 4,
    },
  },
  {
    name: "enum_mixed",
    schema: {
      type: "object",
      properties: { level: { enum: [1, 2.5, "max", true, null, { auto: 1 }] }, ok: { type: "boolean" } },
      required: ["level", "ok"],
      additionalProperties: false,
    },
  },
  {
    name: "integer_list",
    schema: { type: "array", items: { type: "integer", minimum: 10, maximum: 20 }, minItems: 3, maxItems: 5 },
  },
  {
    name: "all_of",
    schema: {
      $defs: { base: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] } },
      allOf: [
        { $ref: "#/$defs/base" },
        { type: "object", properties: { label: str(4) }, required: ["label"] },
      ],
    },
  },
  {
    name: "order_items",
    schema: {
      type: "object",
      properties: {
        items: {
          type: "array",
          minItems: 1,
          maxItems: 3,
          items: {
            type: "object",
            properties: {
              sku: { type: "string", minLength: 2, maxLength: 4 },
              qty: { type: "integer", minimum: 1, maximum: 99 },
              gift: { type: "boolean" },
            },
            required: ["sku", "qty"],
            additionalProperties: false,
          },
        },
        status: { enum: ["new", "paid", "shipped", null] },
      },
      required: ["items", "status"],
      additionalProperties: false,
    },
  },
];
