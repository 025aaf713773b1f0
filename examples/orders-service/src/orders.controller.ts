import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentUser, Public, type Principal } from '@seamless/nest';

export interface Order {
  id: number;
  item: string;
  /** Who placed it: the user id of the access token (`sub`). */
  userId: number;
}

/** A resource API of its own: each user sees and places only their orders. */
@Controller()
export class OrdersController {
  private readonly orders: Order[] = [];

  @Public()
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('orders')
  list(@CurrentUser() user: Principal): { user: string; orders: Order[] } {
    return {
      user: user.username,
      orders: this.orders.filter((order) => order.userId === user.userId),
    };
  }

  @Post('orders')
  @HttpCode(201)
  place(@CurrentUser() user: Principal, @Body() body: { item?: unknown }): Order {
    if (typeof body?.item !== 'string' || body.item.trim() === '') {
      throw new BadRequestException('item must be a non-empty string');
    }
    const order = { id: this.orders.length + 1, item: body.item, userId: user.userId };
    this.orders.push(order);
    return order;
  }
}
