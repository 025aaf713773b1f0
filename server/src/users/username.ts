/** What registration accepts as a username; login refuses anything else before any work. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,50}$/;

/**
 * The one spelling of a username that the database looks up and the login limiter
 * counts: `Guang` and `guang` are one account and one bucket. Usernames are ASCII, so
 * lower-casing is exact; the column compares bytes (see the ExactUsernameKeys
 * migration), so no collation can fold two spellings into one behind this function.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}
