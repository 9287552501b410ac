import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';

import { API_ERRORS, PHOTO_UPLOAD_MAX_BYTES, type ApplicantBody, type CreateOrderBody, type OrderView, type SubmitBody } from '@shared/api';
import type { CertCode } from '@shared/certificates';
import { citiesFor } from '@shared/cities';
import { isShenzhenResidencePermit, type OrderEligibility } from '@shared/eligibility';

import type { ChosenPhoto } from '../platform/choose-photo';
import { shrinkPhoto } from '../platform/shrink-photo';
import { ApiError, errorMessage } from '../services/api-error';
import { orderService } from '../services/order.service';

/** What the person picked before an order exists. */
export interface OrderDraft {
  certType: CertCode | null;
  cityCode: string | null;
  /** What an eligible 办证资格自测 found; only for 居住证 in 深圳 (cleared when either changes). */
  eligibility: OrderEligibility | null;
}

/** A draft whose eligibility is dropped unless it still is 深圳居住证. */
function consistentDraft(draft: OrderDraft): OrderDraft {
  return isShenzhenResidencePermit(draft) ? draft : { ...draft, eligibility: null };
}

export interface UploadState {
  phase: 'idle' | 'uploading' | 'error';
  percent: number;
  error: string | null;
}

export interface OrderState {
  draft: OrderDraft;
  order: OrderView | null;
  loadStatus: 'idle' | 'loading' | 'ready' | 'error';
  loadError: string | null;
  creating: boolean;
  createError: string | null;
  /** The photo the person picked for this order, shown beside the processed one. */
  original: { orderId: string; path: string } | null;
  upload: UploadState;
  saving: boolean;
  saveError: string | null;
  fieldErrors: Record<string, string>;
  submitting: boolean;
  submitError: string | null;
}

export interface OrderActions {
  chooseCertificate: (certType: CertCode) => void;
  chooseCity: (cityCode: string) => void;
  /** Picks certificate and city at once (the self-check's 「办理居住证照片回执」). */
  presetDraft: (draft: OrderDraft) => void;
  createOrder: () => Promise<OrderView | null>;
  loadOrder: (id: string) => Promise<OrderView | null>;
  uploadPhoto: (orderId: string, photo: ChosenPhoto) => Promise<OrderView | null>;
  /** Re-reads the order every `intervalMs` while it is `processing`; resolves with the settled order. */
  pollOrder: (id: string, intervalMs?: number) => Promise<OrderView | null>;
  stopPolling: () => void;
  saveApplicant: (body: ApplicantBody) => Promise<OrderView | null>;
  /** Submits (or resubmits) the current order; `subscriptions` are WeChat's answers to the
   *  subscribe dialog the tap asked for. */
  submit: (subscriptions?: NonNullable<SubmitBody>['subscriptions']) => Promise<OrderView | null>;
  reset: () => void;
}

export type OrderStore = OrderState & OrderActions;

/** A photo within the server's upload limit: a bigger original is shrunk on the phone first, and
 * one that stays too big is refused here with 「照片太大…」 instead of being sent for nothing. */
async function fitForUpload(photo: ChosenPhoto): Promise<ChosenPhoto> {
  if (photo.size === undefined || photo.size <= PHOTO_UPLOAD_MAX_BYTES) return photo;
  const smaller = await shrinkPhoto(photo);
  if (smaller.size === undefined || smaller.size > PHOTO_UPLOAD_MAX_BYTES) throw new ApiError(413, 'PHOTO_TOO_LARGE', API_ERRORS.PHOTO_TOO_LARGE);
  return smaller;
}

const idleUpload: UploadState = { phase: 'idle', percent: 0, error: null };

export const initialOrderState: OrderState = {
  draft: { certType: null, cityCode: null, eligibility: null },
  order: null,
  loadStatus: 'idle',
  loadError: null,
  creating: false,
  createError: null,
  original: null,
  upload: idleUpload,
  saving: false,
  saveError: null,
  fieldErrors: {},
  submitting: false,
  submitError: null,
};

let pollGeneration = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const useOrderStore = create<OrderStore>()((set, get) => ({
  ...initialOrderState,

  chooseCertificate(certType) {
    const { cityCode, eligibility } = get().draft;
    const cityStillOffered = cityCode !== null && citiesFor(certType).some((c) => c.code === cityCode);
    set({ draft: consistentDraft({ certType, cityCode: cityStillOffered ? cityCode : null, eligibility }), createError: null });
  },

  chooseCity(cityCode) {
    set((s) => ({ draft: consistentDraft({ ...s.draft, cityCode }), createError: null }));
  },

  presetDraft(draft) {
    set({ draft: consistentDraft(draft), createError: null });
  },

  async createOrder() {
    const { certType, cityCode, eligibility } = get().draft;
    if (!certType || !cityCode) {
      set({ createError: certType ? '请选择办证城市' : '请选择证件类型' });
      return null;
    }
    set({ creating: true, createError: null });
    try {
      // The draft drops eligibility whenever it stops being 深圳居住证 (consistentDraft).
      const body: CreateOrderBody = eligibility ? { certType, cityCode, eligibility } : { certType, cityCode };
      const order = await orderService.create(body);
      set({ order, loadStatus: 'ready', creating: false, original: null, upload: idleUpload });
      return order;
    } catch (error) {
      set({ creating: false, createError: errorMessage(error) });
      return null;
    }
  },

  async loadOrder(id) {
    const current = get().order;
    set({ loadStatus: 'loading', loadError: null, order: current?.id === id ? current : null });
    try {
      const order = await orderService.get(id);
      set({ order, loadStatus: 'ready' });
      return order;
    } catch (error) {
      set({ loadStatus: 'error', loadError: errorMessage(error) });
      return null;
    }
  },

  async uploadPhoto(orderId, photo) {
    set({ upload: { phase: 'uploading', percent: 0, error: null }, original: { orderId, path: photo.path } });
    try {
      const order = await orderService.uploadPhoto(orderId, await fitForUpload(photo), ({ percent }) =>
        set((s) => ({ upload: { ...s.upload, percent: Math.max(s.upload.percent, Math.min(100, percent)) } })),
      );
      set({ order, loadStatus: 'ready', upload: { phase: 'idle', percent: 100, error: null } });
      return order;
    } catch (error) {
      set({ upload: { phase: 'error', percent: 0, error: errorMessage(error) } });
      return null;
    }
  },

  async pollOrder(id, intervalMs = 1000) {
    const generation = ++pollGeneration;
    for (;;) {
      const known = get().order;
      if (known && known.id === id && known.status !== 'processing') return known;
      await sleep(intervalMs);
      if (generation !== pollGeneration) return null;
      try {
        const order = await orderService.get(id);
        if (generation !== pollGeneration) return null;
        set({ order, loadStatus: 'ready', loadError: null });
      } catch (error) {
        if (generation !== pollGeneration) return null;
        // A network blip while polling: keep going; an API error (404, 401) ends the wait.
        if (error instanceof ApiError && !error.isNetwork) {
          set({ loadStatus: 'error', loadError: error.message });
          return null;
        }
      }
    }
  },

  stopPolling() {
    pollGeneration++;
  },

  async saveApplicant(body) {
    const order = get().order;
    if (!order) return null;
    set({ saving: true, saveError: null, fieldErrors: {} });
    try {
      const saved = await orderService.saveApplicant(order.id, body);
      set({ order: saved, saving: false });
      return saved;
    } catch (error) {
      set({
        saving: false,
        saveError: errorMessage(error),
        fieldErrors: error instanceof ApiError ? error.fields : {},
      });
      return null;
    }
  },

  async submit(subscriptions) {
    const order = get().order;
    if (!order) return null;
    set({ submitting: true, submitError: null });
    try {
      const hasAnswers = subscriptions !== undefined && Object.keys(subscriptions).length > 0;
      const submitted = hasAnswers ? await orderService.submit(order.id, { subscriptions }) : await orderService.submit(order.id);
      set({ order: submitted, submitting: false });
      return submitted;
    } catch (error) {
      set({ submitting: false, submitError: errorMessage(error) });
      return null;
    }
  },

  reset() {
    pollGeneration++;
    set(initialOrderState);
  },
}));

export const orderSelectors = {
  draft: (s: OrderStore) => s.draft,
  order: (s: OrderStore) => s.order,
  upload: (s: OrderStore) => s.upload,
  isProcessing: (s: OrderStore) => s.order?.status === 'processing',
  originalFor: (orderId: string) => (s: OrderStore) => (s.original?.orderId === orderId ? s.original.path : null),
};

/** What a page about one order needs: the store's order if it is that one, and how to load it. */
export function useOrderFor(orderId: string | null) {
  return useOrderStore(
    useShallow((s) => ({
      current: orderId !== null && s.order?.id === orderId ? s.order : null,
      loadStatus: s.loadStatus,
      loadError: s.loadError,
      loadOrder: s.loadOrder,
    })),
  );
}
