import type { NotificationDelivery } from '../api/types';
import { formatDateTime } from '../model/format';
import { deliveryStatusText, eventLabel } from '../model/notification-text';

/** The outgoing webhooks about the scene: what went out, to which receiver, and whether it arrived. */
export function NotificationList({ notifications, now }: { notifications: NotificationDelivery[]; now: number }) {
  if (notifications.length === 0) return null;
  return (
    <section className="notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <div className="table-scroll">
        <table className="insights-table notifications-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Receiver</th>
              <th scope="col">Status</th>
              <th scope="col">Last answer</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {notifications.map((delivery) => {
              const status = deliveryStatusText(delivery, now);
              return (
                <tr key={delivery.id} data-delivery-id={delivery.id}>
                  <th scope="row">{eventLabel(delivery.type)}</th>
                  <td>{delivery.receiver}</td>
                  <td>
                    <span className={`score-badge score-${status.tone}`}>{status.text}</span>
                  </td>
                  <td className="answer">{delivery.lastAnswer ?? '—'}</td>
                  <td>{formatDateTime(delivery.lastAttemptAt ?? delivery.sendAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
