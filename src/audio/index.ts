/**
 * @module Public API of the audio layer: speech to text. Audio is decoded and resampled to 16 kHz mono by
 * the system's ffmpeg; recognisers sit behind the Transcriber interface: pocketsphinx (Debian's, English,
 * the embedded default) and whisper.cpp for an operator's ggml Whisper model.
 */
export { AUDIO_EXTENSIONS, type DecodeAudioOptions, decodeAudio } from "./decode-audio.js";
export {
  createPocketsphinx,
  POCKETSPHINX_MODEL_DIR,
  type PocketsphinxOptions,
  parsePocketsphinx,
  pocketsphinxMissing,
} from "./pocketsphinx.js";
export { type AudioTranscript, type TranscribeAudioOptions, transcribeAudio } from "./transcribe-audio.js";
export {
  AudioInputError,
  type AudioInputErrorCode,
  SAMPLE_RATE,
  type TranscribeOptions,
  type Transcriber,
  type Transcript,
  type TranscriptSegment,
  type TranscriptWord,
} from "./transcriber.js";
export {
  type FormattedTranscript,
  formatTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from "./transcript-format.js";
export { createWhisper, type WhisperOptions } from "./whisper.js";
