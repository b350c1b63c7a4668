/**
 * @module The agent loop: a model answers with Rio's built-in tools (code, fetch, search) run between its
 * generations, the calls and results added to the conversation in the model's own chat format. The server
 * and the CLI both use it; each supplies its own generation and shows the tool work its own way.
 */
export {
  type AgentCallbacks,
  type AgentOptions,
  type AgentResult,
  type AgentStep,
  type GeneratedTurn,
  runAgent,
} from "./agent-loop.js";
export {
  GUARD_GRACE_MS,
  type ToolCallRequest,
  type ToolDefinition,
  type ToolOutcome,
  type ToolRun,
  ToolRunner,
} from "./tool-runner.js";
export {
  assistantMessage,
  callArguments,
  chatToolCall,
  type TurnText,
  toolMessage,
} from "./turn-messages.js";
