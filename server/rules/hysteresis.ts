/**
 * The two-threshold comparison every rule kind shares. Firing is strict ("above T"), clearing is inclusive
 * ("at or below C"), and values between C and T are a `hold`: the band that keeps readings hovering at the
 * threshold from flapping.
 */

/**
 * For "fires when above": match when value > fireAbove, clear when value ≤ clearAtOrBelow, hold between.
 * Requires clearAtOrBelow ≤ fireAbove (the schemas enforce it).
 * @example classifyAbove(80.5, 80, 75) === 'match'; classifyAbove(78, 80, 75) === 'hold'; classifyAbove(75, 80, 75) === 'clear'
 */
export function classifyAbove(
  value: number,
  fireAbove: number,
  clearAtOrBelow: number,
): 'match' | 'clear' | 'hold' {
  if (value > fireAbove) return 'match';
  if (value <= clearAtOrBelow) return 'clear';
  return 'hold';
}

/**
 * For "fires when below": match when value < fireBelow, clear when value ≥ clearAtOrAbove, hold between.
 * Requires clearAtOrAbove ≥ fireBelow.
 * @example classifyBelow(45, 50, 60) === 'match'; classifyBelow(55, 50, 60) === 'hold'; classifyBelow(60, 50, 60) === 'clear'
 */
export function classifyBelow(
  value: number,
  fireBelow: number,
  clearAtOrAbove: number,
): 'match' | 'clear' | 'hold' {
  if (value < fireBelow) return 'match';
  if (value >= clearAtOrAbove) return 'clear';
  return 'hold';
}
