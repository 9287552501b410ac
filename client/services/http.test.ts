import Taro from '@tarojs/taro';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from './api-error';
import { ENDPOINTS } from './endpoints';
import { buildPath, call } from './http';

describe('http transport', () => {
  it('fills path parameters and the status filter', () => {
    expect(buildPath(ENDPOINTS.getOrder, { params: { id: 'ab_12345678' } })).toBe('/api/orders/ab_12345678');
    expect(buildPath(ENDPOINTS.listOrders, { query: { status: 'submitted,in_review' } })).toBe(
      '/api/orders?status=submitted%2Cin_review',
    );
    expect(buildPath(ENDPOINTS.listOrders, { query: { status: undefined } })).toBe('/api/orders');
  });

  it('turns an error body into an ApiError with the Chinese message and field errors', async () => {
    vi.mocked(Taro.request).mockResolvedValueOnce({
      statusCode: 400,
      data: { code: 'VALIDATION_FAILED', message: '填写的内容有误,请按提示修改', fields: { phone: '请输入 11 位手机号' } },
    } as never);
    const error = await call(ENDPOINTS.createOrder, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: { phone: '请输入 11 位手机号' } });
  });

  it('turns a failed connection into a NETWORK error people can retry', async () => {
    vi.mocked(Taro.request).mockRejectedValueOnce({ errMsg: 'request:fail' });
    await expect(call(ENDPOINTS.catalog)).rejects.toMatchObject({ status: 0, code: 'NETWORK', message: '网络连接失败,请检查网络后重试' });
  });

  it('returns the data of a 2xx response', async () => {
    vi.mocked(Taro.request).mockResolvedValueOnce({ statusCode: 201, data: { id: 'x' } } as never);
    await expect(call(ENDPOINTS.createOrder, { body: { certType: 'passport', cityCode: '4403' } })).resolves.toEqual({ id: 'x' });
    expect(vi.mocked(Taro.request).mock.calls[0]![0]).toMatchObject({ url: '/api/orders', method: 'POST' });
  });
});
