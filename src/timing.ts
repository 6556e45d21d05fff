/**
 * The element's two waits that a page may tune, in milliseconds, with their documented
 * defaults. `SpotnanaEmbed.timing` is this object: set a field before the elements it should
 * affect start their frame or their fetch (an end-to-end test shortens both, so that it need
 * not wait 15 s of real time for a silent frame).
 */
export const timing = {
  /** A frame that has not asked for tokens this long after its first load raises `no-request`. */
  silentFrameMs: 15_000,
  /** The token endpoint's first retry waits this × [0.5, 1); each later retry twice as long. */
  retryBackoffMs: 500,
};

export type Timing = typeof timing;
