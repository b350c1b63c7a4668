/** @module What every route of one server shares: the model, scheduler, limits and metrics. */
import type { RioModel, Scheduler } from "../engine/index.js";
import type { Admission } from "./admission.js";
import type { GenerationDefaults } from "./generation-options.js";
import type { Metrics } from "./metrics.js";

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
}
