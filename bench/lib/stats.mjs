// Summaries of samples: the machine is shared and noisy, so medians with
// their range, never means.

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** @returns {{n: number, median: number, min: number, max: number} | null} */
export function summarize(values) {
  if (!values || values.length === 0) return null;
  return { n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** ours / peer, or null when either is missing or the peer's is 0 */
export function ratio(oursValue, peerValue) {
  if (!Number.isFinite(oursValue) || !Number.isFinite(peerValue) || peerValue === 0) return null;
  return oursValue / peerValue;
}
