import { Text, View } from '@tarojs/components';

import './index.scss';

/** 「消息」 with the unread count: opens the in-app notifications. */
export function MessagesLink({ unread, onClick, compact = false }: { unread: number; onClick: () => void; compact?: boolean }) {
  return (
    <View
      className={`messages-link ${compact ? 'messages-link--compact' : ''}`}
      role="button"
      data-testid="notifications-entry"
      hoverClass="messages-link--pressed"
      onClick={onClick}
    >
      <Text className="messages-link__label">消息</Text>
      {unread > 0 ? (
        <Text className="messages-link__badge" data-testid="unread-badge" aria-label={`${unread} 条未读`}>
          {unread > 99 ? '99+' : String(unread)}
        </Text>
      ) : null}
      {compact ? null : <Text className="messages-link__hint">{unread > 0 ? '有新的审核结果' : '审核结果和到期提醒'}</Text>}
    </View>
  );
}
