/** Conformance of the qwen3_moe path (see arch-suite.ts). */
import { conformanceSuite } from "./arch-suite.js";

// Q8_0 rounding flips near-tied router choices of the random tiny model (measured seed 7: KL 0.025,
// top-1 0.92), so the bounds are looser than qwen3's.
conformanceSuite("qwen3_moe", { klMax: 0.05, top1Min: 0.85 });
