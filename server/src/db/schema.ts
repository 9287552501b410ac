/** Table types for Kysely (what the migrations create). Times are ISO strings; run_after is ms. */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  /** Set when the user signs in with WeChat; null for local (nickname) users. */
  openid: string | null;
  nickname: string;
  created_at: string;
  role: string;
  /** Staff only: login name (unique) and scrypt hash. */
  username: string | null;
  password_hash: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the bearer token: a leaked database holds no usable token. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface OrdersTable {
  id: string;
  user_id: string;
  cert_type: string;
  city_code: string;
  status: string;
  /** The photo being (or last) processed: names the files in the photo store. */
  upload_id: string | null;
  /** Set when a processed photo exists (equals the upload id it came from). */
  photo_key: string | null;
  report_json: string | null;
  applicant_name: string | null;
  /** AES-256-GCM, base64. */
  applicant_id_number: string | null;
  applicant_phone: string | null;
  consent_at: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  /** The reviewer (user id) holding the review claim, until claim_expires_at. */
  claimed_by: string | null;
  claim_expires_at: string | null;
  /** When the retention job deleted the order's photo files (null while they exist). */
  photo_purged_at: string | null;
  /** Shenzhen 居住证 from the self-check: JSON OrderEligibility `{routes, talent?}` (no dates); else null. */
  eligibility_json: string | null;
}

export interface OrderHistoryTable {
  id: Generated<number>;
  order_id: string;
  from_status: string | null;
  to_status: string;
  event: string;
  actor: string;
  note: string | null;
  at: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: string;
  /** What the job is about (e.g. `order:<id>`), so a newer job can supersede a queued one. */
  subject: string | null;
  status: JobStatus;
  attempts: number;
  run_after: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  /** The worker holding a running job, and until when (ms); it renews the lease while it works. */
  locked_by: string | null;
  lease_expires_at: number | null;
  /** The HTTP request that queued the job (its log lines carry it). */
  request_id: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** SHA-256 (hex) of the key. */
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ReceiptsTable {
  number: string;
  order_id: string;
  cert_group: string;
  city_code: string;
  issued_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ReviewDecisionsTable {
  id: Generated<number>;
  order_id: string;
  reviewer_id: string;
  decision: 'approved' | 'rejected';
  reasons_json: string;
  note: string | null;
  decided_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  order_id: string | null;
  receipt_number: string | null;
  details_json: string | null;
  at: string;
}

/** Where a notification stands with WeChat (the in-app copy is the row itself). */
export type WeChatDeliveryState = 'pending' | 'sending' | 'sent' | 'no_quota' | 'refused' | 'skipped' | 'failed';

export interface NotificationsTable {
  id: string;
  user_id: string;
  order_id: string;
  kind: string;
  payload_json: string;
  created_at: string;
  read_at: string | null;
  /** Writes the same notification once (e.g. `receipt_expiring:<image number>`). */
  dedupe_key: string | null;
  wechat_state: WeChatDeliveryState;
  /** Send attempts made so far. */
  wechat_attempts: number;
  /** When a pending row is due (ms). */
  wechat_next_at: number;
  wechat_error: string | null;
  wechat_sent_at: string | null;
}

export interface SubscriptionAnswersTable {
  order_id: string;
  template_kind: string;
  answer: string;
  answered_at: string;
}

export interface HandoffTicketsTable {
  /** SHA-256 (hex) of the ticket; the ticket itself is only in the code. */
  ticket_hash: string;
  order_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface DB {
  notifications: NotificationsTable;
  subscription_answers: SubscriptionAnswersTable;
  handoff_tickets: HandoffTicketsTable;
  api_keys: ApiKeysTable;
  receipts: ReceiptsTable;
  review_decisions: ReviewDecisionsTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  orders: OrdersTable;
  order_history: OrderHistoryTable;
  jobs: JobsTable;
}
