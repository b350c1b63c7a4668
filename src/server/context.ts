/**
 * @module What every route of one server shares: the model, scheduler, limits, metrics, stored responses
 * the built-in tools the operator enabled, and the guardrails and keys.
 */
import type { ToolRunner } from "../agent/index.js";
import type { RioModel, Scheduler } from "../engine/index.js";
import type { Guardrails } from "../guardrails/index.js";
import type { Admission } from "./admission.js";
import type { AudioOptions } from "./audio-input.js";
import type { KeyRing } from "./auth.js";
import type { DetectionOptions } from "./detection-route.js";
import type { DocumentInputOptions } from "./document-input.js";
import type { GenerationDefaults } from "./generation-options.js";
import type { VisionOptions } from "./media-input.js";
import type { Metrics } from "./metrics.js";
import type { RateLimiter } from "./rate-limit.js";
import type { ResponseStore } from "./responses/store.js";

/** The state of one running server. */
export interface ServerContext {
  model: RioModel;
  scheduler: Scheduler;
  /** The name clients use in `model`. */
  modelName: string;
  defaults: GenerationDefaults;
  /** Tool-call body format of this model's template: Qwen3 JSON or Qwen3.5 XML. */
  toolFormat: "json" | "xml";
  admission: Admission;
  metrics: Metrics;
  /** Responses stored by POST /v1/responses (`store: true`), for previous_response_id, GET and DELETE. */
  responses: ResponseStore;
  /** The built-in tools the operator enabled (none: undefined); a request picks among them. */
  tools: ToolRunner | undefined;
  /** Most tool rounds of one answer before the model must answer without built-in tools. */
  toolSteps: number;
  /** How image and video parts are taken; undefined when the model has no vision encoder. */
  vision: VisionOptions | undefined;
  /** POST /v1/rio/detections; undefined when the operator did not enable it. */
  detection: DetectionOptions | undefined;
  /** How file parts (and, without a vision encoder, images) are read as text; undefined refuses them. */
  documents: DocumentInputOptions | undefined;
  /** The speech-to-text engine and limits; undefined when the server has none. */
  audio: AudioOptions | undefined;
  /** The operator's policy file compiled, its judge wired to this model; undefined: no rails. */
  guardrails: Guardrails | undefined;
  /** The API keys /v1 routes require; undefined: open. */
  keys: KeyRing | undefined;
  /** Per-key request and token limits. */
  limits: RateLimiter;
}
