/**
 * @module Public API of the server layer: an OpenAI-compatible HTTP server (chat and text completions with
 * SSE streaming, reasoning_content, tool calls, SwiReasoning controls; the Responses API with stored
 * conversations; built-in tools run by the agent loop; speech to text), with API keys, admission control, Prometheus
 * metrics and graceful shutdown.
 */

export {
  AUDIO_TRANSCRIPT_MARK,
  type AudioOptions,
  DEFAULT_MAX_AUDIO_BYTES,
} from "./audio-input.js";
export {
  type ChatDelta,
  ChatOutput,
  type ChatOutputOptions,
  type ResponseToolCall,
  type ToolCallDelta,
  toolCallFormat,
} from "./chat-output.js";
export { DEFAULT_DETECTION_BYTES, type DetectionOptions } from "./detection-route.js";
export { type DocumentInputOptions, type FileSource, fileText } from "./document-input.js";
export { ApiError, type ErrorBody } from "./errors.js";
export { DEFAULT_MAX_VIDEO_FRAMES, type VideoInputOptions, type VisionOptions } from "./media-input.js";
export { DEFAULT_TOOL_STEPS, type RioServer, type ServerOptions, startServer } from "./server.js";
