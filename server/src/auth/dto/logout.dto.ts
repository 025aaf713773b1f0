import { OptionalRefreshToken } from './refresh-token.field';

export class LogoutDto {
  @OptionalRefreshToken(
    'A refresh token of the session (current or already rotated), sent instead of a Bearer access token',
  )
  refresh_token?: string;
}
