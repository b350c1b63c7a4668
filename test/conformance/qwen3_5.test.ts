/** Conformance of the qwen3_5 path, hybrid linear/full attention (see arch-suite.ts). */
import { conformanceSuite } from "./arch-suite.js";

// The random tiny hybrid is far more sensitive to weight rounding than qwen3 (measured seed 7: KL 0.086,
// top-1 0.83); keeping any one tensor group F32 does not remove it, so it is the model, not a tensor.
conformanceSuite("qwen3_5", { klMax: 0.15, top1Min: 0.75 });
