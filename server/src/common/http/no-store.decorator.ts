import { applyDecorators, Header } from '@nestjs/common';

/**
 * For answers that carry tokens or account data: no cache, shared or private, may keep
 * them (RFC 6749 §5.1); `Pragma` for HTTP/1.0 caches.
 */
export const NoStore = () =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
