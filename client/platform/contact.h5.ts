/** Browser: there is no WeChat session here; say how to reach a person. */
export const CONTACT_HINT = '人工客服在微信里:用微信打开「照片回执」小程序,点底部「客服」→「联系在线客服」,并告诉客服您的订单号(在「订单」里可以看到)。';

/** Whether ContactButton opens a real customer-service session here. */
export const CONTACT_SESSION_AVAILABLE = false;
