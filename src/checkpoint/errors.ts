/**
 * @module The one error type of the checkpoint layer: it names the file and, where known, the field or
 * tensor that was wrong, so a bad checkpoint points at its own defect.
 */

/** A checkpoint file is missing, malformed or inconsistent. `field` is a config path or tensor name. */
export class CheckpointError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "CheckpointError";
  }
}
