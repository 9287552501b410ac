/**
 * The submit tap asks for subscriptions first, synchronously (WeChat refuses the dialog after an
 * await), and sends WeChat's answers with the submit. The weapp platform module is used, with
 * Taro.requestSubscribeMessage mocked at the edge.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import SubmitPage from '../../packages/apply/pages/submit/index';
import { orderService } from '../../services/order.service';
import { useClientConfigStore } from '../../stores/client-config.store';
import { initialOrderState, useOrderStore } from '../../stores/order.store';
import { initialSessionState, useSessionStore } from '../../stores/session.store';
import { OK_REPORT, order } from '../fixtures';
import { routerState } from '../setup';

vi.mock('../../platform/request-subscribe', () => vi.importActual('../../platform/request-subscribe.ts'));

type SubscribeOptions = {
  tmplIds: string[];
  success?: (result: Record<string, string>) => void;
  fail?: (error: { errMsg: string; errCode: number }) => void;
};

const READY = order({
  status: 'ready',
  report: OK_REPORT,
  photoUrl: '/api/media/p.jpg',
  applicant: { name: '张三', idNumber: '1101**********002X', phone: '138****5678', consentAt: '2026-11-21T05:00:00.000Z' },
});

/** Captures the dialog request; the test answers it when it wants. */
function captureDialog() {
  const seen: SubscribeOptions[] = [];
  vi.mocked(Taro.requestSubscribeMessage).mockImplementation(((options: SubscribeOptions) => {
    seen.push(options);
    return new Promise(() => {});
  }) as never);
  return seen;
}

/** With these templates configured: renders the submit page and taps 提交审核 (the dialog stays open). */
async function tapSubmit(templates: { result: string | null; expiry: string | null }) {
  useClientConfigStore.setState({ config: { mode: 'wechat', subscribeTemplates: templates }, status: 'ready' });
  const dialogs = captureDialog();
  const submit = vi.spyOn(orderService, 'submit').mockResolvedValue(order({ status: 'submitted' }));
  render(<SubmitPage />);
  fireEvent.click(await screen.findByRole('button', { name: '提交审核' }));
  return { dialogs, submit };
}

describe('submit asks for service notifications', () => {
  beforeEach(() => {
    useSessionStore.setState({ ...initialSessionState, token: 'tok', role: 'applicant' });
    useOrderStore.setState({ ...initialOrderState, order: READY, loadStatus: 'ready' });
    routerState.params = { orderId: READY.id };
    vi.spyOn(orderService, 'get').mockResolvedValue(READY);
  });
  afterEach(() => vi.restoreAllMocks());

  it('opens the dialog inside the tap, before any await, then submits with the answers', async () => {
    const { dialogs, submit } = await tapSubmit({ result: 'tmpl-result', expiry: 'tmpl-expiry' });

    // Synchronously, when the tap handler has returned: the dialog was asked for, nothing sent yet.
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]!.tmplIds).toEqual(['tmpl-result', 'tmpl-expiry']);
    expect(submit).not.toHaveBeenCalled();

    dialogs[0]!.success!({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-result': 'accept', 'tmpl-expiry': 'reject' });
    await waitFor(() =>
      expect(submit).toHaveBeenCalledWith(READY.id, { subscriptions: { result: 'accept', expiry: 'reject' } }),
    );
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/packages/orders/pages/detail/index?id=${READY.id}` }));
  });

  it('sends only WeChat’s own answer values', async () => {
    const { dialogs, submit } = await tapSubmit({ result: 'tmpl-result', expiry: 'tmpl-expiry' });
    dialogs[0]!.success!({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-result': 'ban', 'tmpl-expiry': 'maybe' });
    await waitFor(() => expect(submit).toHaveBeenCalledWith(READY.id, { subscriptions: { result: 'ban' } }));
  });

  it('submits without answers when the whole request fails (subscriptions switched off)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { dialogs, submit } = await tapSubmit({ result: 'tmpl-result', expiry: null });
    expect(dialogs[0]!.tmplIds).toEqual(['tmpl-result']);
    dialogs[0]!.fail!({ errMsg: 'requestSubscribeMessage:fail switched off', errCode: 20004 });
    await waitFor(() => expect(submit).toHaveBeenCalledWith(READY.id));
  });

  it('does not open a dialog when no template is configured (or the config never loaded)', async () => {
    useClientConfigStore.setState({ config: null, status: 'error' });
    vi.mocked(Taro.request).mockRejectedValueOnce({ errMsg: 'request:fail' }); // the page's config reload fails too
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const submit = vi.spyOn(orderService, 'submit').mockResolvedValue(order({ status: 'submitted' }));
    render(<SubmitPage />);
    fireEvent.click(await screen.findByRole('button', { name: '提交审核' }));
    expect(Taro.requestSubscribeMessage).not.toHaveBeenCalled();
    await waitFor(() => expect(submit).toHaveBeenCalledWith(READY.id));
  });

  it('the resubmission of a rejected order (same page, same tap) asks and sends the same way', async () => {
    const resubmit = order({
      ...READY,
      history: [
        ...READY.history,
        { from: 'in_review', to: 'rejected', event: 'reject', actor: 'reviewer', at: '2026-11-21T06:00:00.000Z' },
        { from: 'rejected', to: 'processing', event: 'upload_photo', actor: 'applicant', at: '2026-11-21T06:10:00.000Z' },
        { from: 'processing', to: 'ready', event: 'photo_ok', actor: 'system', at: '2026-11-21T06:10:05.000Z' },
      ] as typeof READY.history,
    });
    useOrderStore.setState({ order: resubmit });
    vi.mocked(orderService.get).mockResolvedValue(resubmit);
    const { dialogs, submit } = await tapSubmit({ result: 'tmpl-result', expiry: 'tmpl-expiry' });
    expect(dialogs).toHaveLength(1);
    dialogs[0]!.success!({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-result': 'accept', 'tmpl-expiry': 'accept' });
    await waitFor(() =>
      expect(submit).toHaveBeenCalledWith(READY.id, { subscriptions: { result: 'accept', expiry: 'accept' } }),
    );
  });
});

describe('submit body on the wire', () => {
  it('POSTs the answers as JSON to /api/orders/:id/submit', async () => {
    vi.mocked(Taro.request).mockResolvedValueOnce({ statusCode: 200, data: order({ status: 'submitted' }) } as never);
    await orderService.submit('ord_12345678', { subscriptions: { result: 'accept' } });
    expect(vi.mocked(Taro.request).mock.calls[0]![0]).toMatchObject({
      url: '/api/orders/ord_12345678/submit',
      method: 'POST',
      data: { subscriptions: { result: 'accept' } },
      header: { 'Content-Type': 'application/json' },
    });
  });
});
