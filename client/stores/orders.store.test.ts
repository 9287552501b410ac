import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '../services/api-error';
import { orderService } from '../services/order.service';
import { order } from '../test/fixtures';
import { useOrdersStore } from './orders.store';

describe('orders store', () => {
  beforeEach(() => useOrdersStore.setState({ tab: 'all', orders: [], status: 'idle', error: null }));
  afterEach(() => vi.restoreAllMocks());

  it('asks the server for the statuses of the chosen tab, newest first', async () => {
    const list = vi.spyOn(orderService, 'list').mockResolvedValue([
      order({ id: 'ord_old00001', status: 'ready', updatedAt: '2026-11-20T00:00:00.000Z' }),
      order({ id: 'ord_new00001', status: 'needs_retake', updatedAt: '2026-11-21T00:00:00.000Z' }),
      order({ id: 'ord_sub00001', status: 'submitted' }), // not a 待完成 status: never shown there
    ]);
    await useOrdersStore.getState().setTab('todo');
    expect(list).toHaveBeenCalledWith(['draft', 'processing', 'needs_retake', 'ready', 'rejected']);
    expect(useOrdersStore.getState().orders.map((o) => o.id)).toEqual(['ord_new00001', 'ord_old00001']);
  });

  it('asks for everything on 全部', async () => {
    const list = vi.spyOn(orderService, 'list').mockResolvedValue([]);
    await useOrdersStore.getState().load();
    expect(list).toHaveBeenCalledWith(undefined);
    expect(useOrdersStore.getState().status).toBe('ready');
  });

  it('keeps the message of a failed load for the error state', async () => {
    vi.spyOn(orderService, 'list').mockRejectedValue(ApiError.client('NETWORK'));
    await useOrdersStore.getState().load();
    expect(useOrdersStore.getState()).toMatchObject({ status: 'error', error: '网络连接失败,请检查网络后重试' });
  });
});
