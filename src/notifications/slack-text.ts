import type { NotificationBody } from '../domain/notifications';

/**
 * Slack's incoming-webhook body: one short line with the scene, what happened and a link in
 * Slack's `<url|text>` form, so a team can point an incoming webhook straight at the product.
 */
export function slackMessage(body: NotificationBody): { text: string } {
  const scene = `Scene ${body.data.sceneId} (project ${body.data.projectId})`;
  switch (body.type) {
    case 'scene.escalated':
      return { text: `${scene} needs review: ${body.data.reason.replace(/_/g, ' ')}, best score ${body.data.bestScore}. <${body.data.reviewUrl}|Review it>` };
    case 'scene.decided': {
      const attempt = body.data.attemptNumber !== undefined ? ` attempt ${body.data.attemptNumber}` : '';
      return { text: `${scene}: ${body.data.reviewer} chose ${body.data.action}${attempt}.` };
    }
    case 'round.ended':
      return {
        text: `${scene}: round ended ${body.data.outcome.replace(/_/g, ' ')}, final score ${body.data.finalScore}, cost $${body.data.costUsd.toFixed(2)}.`,
      };
    case 'review.reminder':
      return { text: `${scene} still waits for review; it times out at ${body.data.dueAt}. <${body.data.reviewUrl}|Review it>` };
    case 'audit.requested':
      return { text: `${scene} passed and was sampled for an audit. <${body.data.reviewUrl}|Audit it>` };
  }
}
