const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses `45s`, `30m`, `12h`, `7d` or a whole number of seconds into seconds.
 * Returns undefined for anything else, so the caller can name the variable.
 *
 * @example parseDuration('30m') // 1800
 */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  if (!match) {
    return undefined;
  }
  return Number(match[1]) * (match[2] ? UNIT_SECONDS[match[2]] : 1);
}
