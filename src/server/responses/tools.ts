/**
 * @module A Responses request's `tools` and `tool_choice` in chat completions' shapes, so both endpoints
 * render tools, force calls and parse them with the same code (chat-messages.ts). Function tools pass as
 * they are; the built-in tool types name the tool Rio runs for them (`code_interpreter` runs `code`,
 * `web_search` and `web_search_preview` run `search`, Rio's own `fetch` runs `fetch`), and are accepted
 * when the operator enabled that tool.
 */
import type { BuiltinToolName } from "../../tools/index.js";
import type { BuiltinRequest } from "../builtin-request.js";
import { ApiError } from "../errors.js";
import type { ChatRequest } from "../schemas/chat.js";
import type { ResponsesRequest } from "./schema.js";

/** Responses tool types of the built-in tools (OpenAI's, with their dated aliases, and Rio's `fetch`). */
const BUILTIN_TOOL_TYPES: ReadonlyMap<string, BuiltinToolName> = new Map([
  ["code_interpreter", "code"],
  ["web_search", "search"],
  ["web_search_2025_08_26", "search"],
  ["web_search_preview", "search"],
  ["web_search_preview_2025_03_11", "search"],
  ["fetch", "fetch"],
]);

/** The request's tools: its functions in chat's shape, and the built-in tools its other types ask for. */
export interface RequestTools {
  functions: NonNullable<ChatRequest["tools"]>;
  builtins: BuiltinRequest[];
}

/**
 * Sorts the request's tools.
 * @example
 * requestTools([{ type: "function", name: "get_time", parameters: { type: "object" } }, { type: "code_interpreter" }]);
 * // { functions: [{ type: "function", function: { name: "get_time", parameters: { type: "object" } } }],
 * //   builtins: [{ name: "code", field: "tools.1.type" }] }
 * requestTools([{ type: "file_search" }]); // throws ApiError 400, param "tools.0.type"
 */
export function requestTools(tools: ResponsesRequest["tools"]): RequestTools {
  const sorted: RequestTools = { functions: [], builtins: [] };
  (tools ?? []).forEach((tool, i) => {
    const builtin = BUILTIN_TOOL_TYPES.get(tool.type);
    if (builtin) sorted.builtins.push({ name: builtin, field: `tools.${i}.type` });
    else if (tool.type !== "function") throw unsupportedTool(tool.type, `tools.${i}.type`);
    else if (tool.name === undefined)
      throw new ApiError(
        400,
        `tools.${i}.name: a function tool needs a name`,
        "invalid_request_error",
        `tools.${i}.name`,
      );
    else
      sorted.functions.push({
        type: "function" as const,
        function: {
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          ...(tool.parameters ? { parameters: tool.parameters } : {}),
          ...(tool.strict != null ? { strict: tool.strict } : {}),
        },
      });
  });
  return sorted;
}

/**
 * `tool_choice` in chat's shape: the option strings as they are, `{ type: "function", name }` as
 * `{ type: "function", function: { name } }`, a built-in type as a choice of the tool it runs, which
 * `builtins` (the request's, from requestTools) must include.
 * @example
 * chatToolChoice({ type: "function", name: "get_time" }, []); // { type: "function", function: { name: "get_time" } }
 * chatToolChoice({ type: "code_interpreter" }, [{ name: "code", field: "tools.0.type" }]); // { type: "function", function: { name: "code" } }
 */
export function chatToolChoice(
  choice: ResponsesRequest["tool_choice"],
  builtins: readonly BuiltinRequest[],
): ChatRequest["tool_choice"] {
  if (choice == null || typeof choice === "string") return choice;
  const builtin = BUILTIN_TOOL_TYPES.get(choice.type);
  if (builtin && builtins.some((b) => b.name === builtin))
    return { type: "function", function: { name: builtin } };
  if (builtin)
    throw new ApiError(
      400,
      `tool_choice.type: ${JSON.stringify(choice.type)} forces a built-in tool that \`tools\` does not include`,
      "invalid_request_error",
      "tool_choice.type",
    );
  if (choice.type !== "function") throw unsupportedTool(choice.type, "tool_choice.type");
  if (choice.name === undefined)
    throw new ApiError(
      400,
      "tool_choice.name: a function choice needs the function's name",
      "invalid_request_error",
      "tool_choice.name",
    );
  return { type: "function", function: { name: choice.name } };
}

function unsupportedTool(type: string, field: string): ApiError {
  return new ApiError(
    400,
    `${field}: Rio supports tools of type "function" and the built-in ${[...BUILTIN_TOOL_TYPES.keys()].join(", ")}, not ${JSON.stringify(type)}`,
    "invalid_request_error",
    field,
    "unsupported_tool",
  );
}
