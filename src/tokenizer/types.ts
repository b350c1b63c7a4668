/**
 * @module Chat message shapes accepted by the chat template (OpenAI-style, as Hugging Face templates expect).
 */

/** One tool call in an assistant message; `arguments` may be a JSON string or an already-parsed object. */
export interface ChatToolCall {
  id?: string;
  type: "function";
  function: { name: string; arguments: string | object };
}

/**
 * One part of a message's content: text, or the place of an image or a video (whose pixels travel beside
 * the messages: the tokenizer only writes the model's vision markers for them).
 */
export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image" }
  | {
      type: "video";
      /**
       * Seconds of each temporal group of the video (see videoMarkers): the part becomes one
       * `<{t:.1f} seconds><|vision_start|><|video_pad|><|vision_end|>` per group. Without them it is
       * the template's single `<|vision_start|><|video_pad|><|vision_end|>`.
       */
      timestamps?: readonly number[];
    };

/** One chat message. Every string in it is treated as untrusted by `RioTokenizer.encodeChat`. */
export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | ChatContentPart[] | null;
  reasoning_content?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
}

/** Template switches, named after the Hugging Face `apply_chat_template` arguments they map to. */
export interface ChatOptions {
  /** OpenAI-style tool definitions (`{ type: "function", function: { name, description, parameters } }`). */
  tools?: object[];
  /** Append the assistant turn header (default true). */
  addGenerationPrompt?: boolean;
  /** Passed to the template as `enable_thinking` only when set, as transformers does. */
  enableThinking?: boolean;
}
