import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'seamless:isPublic';

/** Opens a route (or every route of a controller) to requests without an access token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
