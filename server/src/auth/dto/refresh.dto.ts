import { OptionalRefreshToken } from './refresh-token.field';

export class RefreshDto {
  @OptionalRefreshToken(
    'The refresh token of the last token pair. Required, except in cookie mode (header Seamless-Session: cookie), where it must be absent: the token is the cookie',
  )
  refresh_token?: string;
}
