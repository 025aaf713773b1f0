/** Credentials shared by the comparator's seeding and the benchmark's set-up. */
export interface Credentials {
  username: string;
  password: string;
}

/** The tutorial's demo user, seeded by both servers. */
export const DEMO_USER: Credentials = { username: 'guang', password: '123456' };

/**
 * The i-th benchmark user. Seamless needs passwords of 8+ characters, so the
 * bench users have their own, longer than the demo user's.
 */
export function benchUser(i: number): Credentials {
  const n = String(i).padStart(4, '0');
  return { username: `bench_${n}`, password: `bench-password-${n}` };
}
