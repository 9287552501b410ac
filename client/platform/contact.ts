/** Mini-program: the button below opens WeChat's customer-service session. */
export const CONTACT_HINT = '点下方按钮进入微信在线客服,客服会看到您咨询的订单号。';

/** Whether ContactButton opens a real customer-service session here. */
export const CONTACT_SESSION_AVAILABLE = true;
