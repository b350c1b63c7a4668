/**
 * @module Public API of the exec layer (a leaf): external tools run as child processes with limits,
 * shared by video frames (vision) and audio decoding and recognition (audio).
 */

export { ffmpegInputGuard, withPrivateFile } from "./private-file.js";
export {
  type RunToolOptions,
  runTool,
  type ToolRun,
  ToolRunError,
  type ToolRunErrorCode,
  tidyStderr,
} from "./run-tool.js";
