/**
 * @module Which of the server's built-in tools a request asks for. Each must be one the operator enabled,
 * and none may share its name with one of the request's own functions: the model's call of that name
 * could then be either, and a client must never get back a call it cannot tell from its own.
 */
import type { ToolRunner } from "../agent/index.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";

/** A built-in tool a request names, and the request field that named it (for errors). */
export interface BuiltinRequest {
  name: string;
  field: string;
}

/**
 * The requested tools (undefined when none were), or a 400 naming the field at fault.
 * @example
 * requestedBuiltins(server, [{ name: "code", field: "rio.builtin_tools.0" }], ["get_weather"])?.names; // ["code"]
 */
export function requestedBuiltins(
  server: ServerContext,
  requested: readonly BuiltinRequest[],
  functionNames: readonly string[],
): ToolRunner | undefined {
  if (requested.length === 0) return undefined;
  for (const { name, field } of requested) {
    if (!server.tools)
      throw refused(
        field,
        `${JSON.stringify(name)} is a built-in tool, and this server has no built-in tools enabled (its operator enables them with --builtin-tools); send function tools and run them yourself`,
      );
    if (!server.tools.has(name))
      throw refused(
        field,
        `the built-in tool ${JSON.stringify(name)} is not enabled on this server (enabled: ${server.tools.names.join(", ")})`,
      );
    if (functionNames.includes(name))
      throw refused(
        field,
        `${JSON.stringify(name)} is both a built-in tool and one of the request's functions; rename the function`,
      );
  }
  return server.tools?.only([...new Set(requested.map((r) => r.name))]);
}

function refused(field: string, message: string): ApiError {
  return new ApiError(400, `${field}: ${message}`, "invalid_request_error", field, "unsupported_tool");
}
