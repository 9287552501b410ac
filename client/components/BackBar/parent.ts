import { ROUTES, isTabPage } from '../../route-paths';

/** Where a page's way back leads when nothing is under it in the stack (opened from a link, a
 * code, after a reload): the page a person would expect above it, else 首页. */
export interface ParentPage {
  url: string;
  label: string;
}

const HOME: ParentPage = { url: ROUTES.home, label: '首页' };

/** Pages of one order (`orderId`) lead to that order; the rest to their list or to 首页. */
const ORDER_STEPS: readonly string[] = [ROUTES.capture, ROUTES.result, ROUTES.applicant, ROUTES.submit, ROUTES.consent, ROUTES.guide];

export function parentPage(path: string, params: Record<string, string | undefined>): ParentPage | null {
  const page = path.split('?')[0] ?? path;
  if (isTabPage(page)) return null;
  if (page === ROUTES.orderDetail) return { url: ROUTES.orders, label: '订单' };
  if (page === ROUTES.reviewDetail) return { url: ROUTES.reviewQueue, label: '审核台' };
  if (page === ROUTES.eligibilityResult || page === ROUTES.eligibilityAbout) {
    return { url: ROUTES.eligibilityCheck, label: '资格自测' };
  }
  const orderId = params.orderId;
  if (orderId && ORDER_STEPS.includes(page)) {
    return { url: `${ROUTES.orderDetail}?id=${encodeURIComponent(decodeURIComponent(orderId))}`, label: '订单详情' };
  }
  return HOME;
}
