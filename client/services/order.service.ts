import type { ApplicantBody, CreateOrderBody, OrderView, SubmitBody } from '@shared/api';
import type { OrderStatus } from '@shared/order-machine';

import { uploadFile, type UploadProgress } from '../platform/upload-file';
import type { ChosenPhoto } from '../platform/choose-photo';
import { errorFromResponse } from './api-error';
import { apiUrl } from './config';
import { ENDPOINTS } from './endpoints';
import { authHeader, buildPath, call, reportUnauthorized } from './http';

export const orderService = {
  create(body: CreateOrderBody): Promise<OrderView> {
    return call<OrderView>(ENDPOINTS.createOrder, { body });
  },

  get(id: string): Promise<OrderView> {
    return call<OrderView>(ENDPOINTS.getOrder, { params: { id } });
  },

  async list(statuses?: readonly OrderStatus[]): Promise<OrderView[]> {
    const data = await call<OrderView[] | { orders?: OrderView[]; items?: OrderView[] }>(ENDPOINTS.listOrders, {
      query: { status: statuses?.join(',') },
    });
    if (Array.isArray(data)) return data;
    return data.orders ?? data.items ?? [];
  },

  saveApplicant(id: string, body: ApplicantBody): Promise<OrderView> {
    return call<OrderView>(ENDPOINTS.saveApplicant, { params: { id }, body });
  },

  /** Submits (or resubmits) for review; `body` carries the answers to requestSubscribeMessage. */
  submit(id: string, body?: SubmitBody): Promise<OrderView> {
    return call<OrderView>(ENDPOINTS.submitOrder, { params: { id }, body });
  },

  /** Multipart upload (field `photo`) with progress; resolves with the order in `processing`. */
  async uploadPhoto(id: string, photo: ChosenPhoto, onProgress?: (p: UploadProgress) => void): Promise<OrderView> {
    const endpoint = ENDPOINTS.uploadPhoto;
    const { statusCode, body } = await uploadFile({
      url: apiUrl(buildPath(endpoint, { params: { id } })),
      method: endpoint.method,
      header: authHeader(endpoint),
      name: 'photo',
      photo,
      onProgress,
    });
    let parsed: unknown = body;
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = body;
      }
    }
    if (statusCode >= 200 && statusCode < 300) return parsed as OrderView;
    const error = errorFromResponse(statusCode, parsed);
    if (error.isUnauthorized) reportUnauthorized();
    throw error;
  },
};
