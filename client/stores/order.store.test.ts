import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '../services/api-error';
import { orderService } from '../services/order.service';
import { FAILED_REPORT, OK_REPORT, order } from '../test/fixtures';
import { initialOrderState, useOrderStore } from './order.store';

describe('order store', () => {
  beforeEach(() => useOrderStore.setState(initialOrderState));
  afterEach(() => vi.restoreAllMocks());

  it('creates the order from the chosen certificate and city', async () => {
    const create = vi.spyOn(orderService, 'create').mockResolvedValue(order());
    const s = useOrderStore.getState();
    s.chooseCertificate('residence_permit');
    s.chooseCity('4403');
    const created = await useOrderStore.getState().createOrder();
    expect(create).toHaveBeenCalledWith({ certType: 'residence_permit', cityCode: '4403' });
    expect(created?.id).toBe('ord_12345678');
    expect(useOrderStore.getState().order?.status).toBe('draft');
  });

  it('does not call the server without a city and says what is missing', async () => {
    const create = vi.spyOn(orderService, 'create');
    useOrderStore.getState().chooseCertificate('passport');
    expect(await useOrderStore.getState().createOrder()).toBeNull();
    expect(create).not.toHaveBeenCalled();
    expect(useOrderStore.getState().createError).toBe('请选择办证城市');
  });

  it('drops a chosen city that does not serve a newly chosen certificate', () => {
    const s = useOrderStore.getState();
    s.chooseCertificate('resident_id');
    s.chooseCity('4601'); // 海口: ID documents only
    useOrderStore.getState().chooseCertificate('passport');
    expect(useOrderStore.getState().draft).toEqual({ certType: 'passport', cityCode: null, eligibility: null });
  });

  it('carries an eligible self-check into the 深圳居住证 order it creates', async () => {
    const create = vi.spyOn(orderService, 'create').mockResolvedValue(order({ eligibility: { routes: ['social_insurance'] } }));
    useOrderStore
      .getState()
      .presetDraft({ certType: 'residence_permit', cityCode: '4403', eligibility: { routes: ['talent'], talent: 'pengcheng_card' } });
    expect(useOrderStore.getState().draft.eligibility).toEqual({ routes: ['talent'], talent: 'pengcheng_card' });
    await useOrderStore.getState().createOrder();
    expect(create).toHaveBeenCalledWith({
      certType: 'residence_permit',
      cityCode: '4403',
      eligibility: { routes: ['talent'], talent: 'pengcheng_card' },
    });
    useOrderStore.getState().reset();
    expect(useOrderStore.getState().draft).toEqual({ certType: null, cityCode: null, eligibility: null });
  });

  it('drops the self-check as soon as the draft is no longer 深圳居住证', () => {
    const eligibility = { routes: ['social_insurance' as const] };
    const s = useOrderStore.getState();
    s.presetDraft({ certType: 'residence_permit', cityCode: '4403', eligibility });
    s.chooseCity('4403'); // the same city again: kept
    s.chooseCertificate('residence_permit');
    expect(useOrderStore.getState().draft.eligibility).toEqual(eligibility);

    useOrderStore.getState().chooseCity('4401'); // 广州
    expect(useOrderStore.getState().draft).toEqual({ certType: 'residence_permit', cityCode: '4401', eligibility: null });

    useOrderStore.getState().presetDraft({ certType: 'residence_permit', cityCode: '4403', eligibility });
    useOrderStore.getState().chooseCertificate('resident_id');
    expect(useOrderStore.getState().draft.eligibility).toBeNull();

    // Never kept for another certificate or city, even when handed in directly.
    useOrderStore.getState().presetDraft({ certType: 'passport', cityCode: '4403', eligibility });
    expect(useOrderStore.getState().draft.eligibility).toBeNull();
  });

  it('reports upload progress and keeps the original for the side-by-side view', async () => {
    const seen: number[] = [];
    const unsubscribe = useOrderStore.subscribe((s) => seen.push(s.upload.percent));
    vi.spyOn(orderService, 'uploadPhoto').mockImplementation(async (_id, _photo, onProgress) => {
      onProgress?.({ percent: 30, sent: 30, total: 100 });
      onProgress?.({ percent: 80, sent: 80, total: 100 });
      return order({ status: 'processing' });
    });
    const result = await useOrderStore.getState().uploadPhoto('ord_12345678', { path: 'blob:original' });
    unsubscribe();
    expect(result?.status).toBe('processing');
    expect(seen).toEqual(expect.arrayContaining([30, 80]));
    expect(useOrderStore.getState().original).toEqual({ orderId: 'ord_12345678', path: 'blob:original' });
  });

  it('shows the server message when an upload fails', async () => {
    vi.spyOn(orderService, 'uploadPhoto').mockRejectedValue(
      new ApiError(413, 'PHOTO_TOO_LARGE', '照片太大,请选择 20MB 以内的照片'),
    );
    expect(await useOrderStore.getState().uploadPhoto('ord_12345678', { path: 'x' })).toBeNull();
    expect(useOrderStore.getState().upload).toEqual({ phase: 'error', percent: 0, error: '照片太大,请选择 20MB 以内的照片' });
  });

  it('sends a photo within the limit as it is, and refuses one the phone cannot shrink below 20 MB without sending it', async () => {
    const upload = vi.spyOn(orderService, 'uploadPhoto').mockResolvedValue(order({ status: 'processing' }));
    await useOrderStore.getState().uploadPhoto('ord_12345678', { path: 'blob:ok', size: 20 * 1024 * 1024 });
    expect(upload).toHaveBeenCalledWith('ord_12345678', { path: 'blob:ok', size: 20 * 1024 * 1024 }, expect.any(Function));
    upload.mockClear();
    // jsdom decodes no images, so the browser's shrink hands the 40 MB original back unchanged.
    expect(await useOrderStore.getState().uploadPhoto('ord_12345678', { path: 'blob:huge', size: 40 * 1024 * 1024 })).toBeNull();
    expect(upload).not.toHaveBeenCalled();
    expect(useOrderStore.getState().upload).toEqual({ phase: 'error', percent: 0, error: '照片太大,请选择 20MB 以内的照片' });
  });

  it('polls while processing and stops at needs_retake', async () => {
    useOrderStore.setState({ order: order({ status: 'processing' }) });
    const get = vi
      .spyOn(orderService, 'get')
      .mockResolvedValueOnce(order({ status: 'processing' }))
      .mockRejectedValueOnce(ApiError.client('NETWORK')) // a blip does not end the wait
      .mockResolvedValueOnce(order({ status: 'needs_retake', report: FAILED_REPORT }));
    const settled = await useOrderStore.getState().pollOrder('ord_12345678', 1);
    expect(get).toHaveBeenCalledTimes(3);
    expect(settled?.status).toBe('needs_retake');
    expect(useOrderStore.getState().order?.report?.failures).toEqual(['EYES_CLOSED']);
  });

  it('stops polling when asked (the page closed)', async () => {
    useOrderStore.setState({ order: order({ status: 'processing' }) });
    const get = vi.spyOn(orderService, 'get').mockResolvedValue(order({ status: 'processing' }));
    const polling = useOrderStore.getState().pollOrder('ord_12345678', 5);
    await new Promise((r) => setTimeout(r, 20));
    useOrderStore.getState().stopPolling();
    expect(await polling).toBeNull();
    const calls = get.mock.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(get.mock.calls.length).toBe(calls);
  });

  it('keeps the server field errors of a refused applicant', async () => {
    useOrderStore.setState({ order: order({ status: 'ready', report: OK_REPORT }) });
    vi.spyOn(orderService, 'saveApplicant').mockRejectedValue(
      new ApiError(400, 'VALIDATION_FAILED', '填写的内容有误,请按提示修改', { idNumber: '身份证号校验位不正确,请逐位核对' }),
    );
    const saved = await useOrderStore
      .getState()
      .saveApplicant({ name: '张三', idNumber: '11010519491231002X', phone: '13800138000', consent: true });
    expect(saved).toBeNull();
    expect(useOrderStore.getState().fieldErrors).toEqual({ idNumber: '身份证号校验位不正确,请逐位核对' });
    expect(useOrderStore.getState().saveError).toBe('填写的内容有误,请按提示修改');
  });

  it('submits the current order and keeps the answer of the server as the current order', async () => {
    useOrderStore.setState({ order: order({ status: 'ready' }) });
    const submit = vi.spyOn(orderService, 'submit').mockResolvedValue(order({ status: 'submitted' }));
    await useOrderStore.getState().submit();
    expect(submit).toHaveBeenCalledWith('ord_12345678');
    expect(useOrderStore.getState().order?.status).toBe('submitted');
    expect(useOrderStore.getState().submitting).toBe(false);
  });
});
