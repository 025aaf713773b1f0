/** The one access token the ceiling accepts. */
export const CEILING_TOKEN = 'ceiling-access-token';
