/** In the mini-program the order is already on the phone: see index.h5.tsx. */
export function HandoffPanel(_props: { orderId: string }): JSX.Element | null {
  return null;
}
