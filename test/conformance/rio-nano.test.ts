/**
 * The conformance harness on rio-nano, a trained model: its distributions on its own worked solutions are
 * confident (not the near-ties of a random head), so the Q8_0 bounds apply as they are.
 */
import { makeRng, problemChat, problems } from "../../src/tasks/index.js";
import { conformanceSuite } from "./arch-suite.js";
import { checkpointFixture } from "./harness.js";

const [problem] = problems("valid", 1, { families: ["word"] });
const chat = problemChat(problem, makeRng(1));

conformanceSuite("rio-nano", { klMax: 0.01, top1Min: 0.98 }, () =>
  checkpointFixture("rio-nano", "models/rio-nano", chat, ["f32", "q8_0", "q4_0"]),
);
