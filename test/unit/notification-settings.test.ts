import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config';
import { targetsFor } from '../../src/notifications/targets';

const SECRET = 'a-secret-of-some-length';

function notifyConfig(env: Record<string, string>) {
  return loadConfig({ NOTIFY_WEBHOOK_SECRET: SECRET, ...env }).notifications;
}

/** The one message a bad setting stops the start with. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    const message = (error as Error).message;
    assert.ok(!message.includes('\n'), `one line: ${message}`);
    return message;
  }
  assert.fail('the configuration was accepted');
}

describe('outgoing webhook settings (CONTRACT.md "Outgoing webhooks")', () => {
  it('sends nothing without NOTIFY_WEBHOOK_URLS, whatever else is set', () => {
    assert.equal(loadConfig({}).notifications, undefined);
    assert.equal(loadConfig({ NOTIFY_WEBHOOK_URLS: '  ', NOTIFY_REMINDERS: '2h' }).notifications, undefined);
  });

  it('reads receivers separated by spaces, each with its #events= and #projects= filters', () => {
    const settings = notifyConfig({
      NOTIFY_WEBHOOK_URLS:
        'https://hooks.example.com/a  https://ops.example.com/b?x=1#events=scene.escalated,review.reminder#projects=7+8\n' +
        'http://127.0.0.1:9000/c#projects=9',
      PUBLIC_URL: 'https://scenes.example.com/',
    })!;
    assert.equal(settings.secret, SECRET);
    assert.equal(settings.publicUrl, 'https://scenes.example.com');
    assert.deepEqual(
      settings.targets.map((t) => [t.url, t.label, t.format, t.events, t.projects]),
      [
        ['https://hooks.example.com/a', 'https://hooks.example.com', 'json', undefined, undefined],
        ['https://ops.example.com/b?x=1', 'https://ops.example.com', 'json', ['scene.escalated', 'review.reminder'], [7, 8]],
        ['http://127.0.0.1:9000/c', 'http://127.0.0.1:9000', 'json', undefined, [9]],
      ],
    );
    assert.equal(new Set(settings.targets.map((t) => t.key)).size, 3, 'each receiver has its own key');
    const [all, filtered, project9] = settings.targets;
    assert.deepEqual(targetsFor(settings.targets, 'scene.escalated', 7), [all, filtered]);
    assert.deepEqual(targetsFor(settings.targets, 'round.ended', 7), [all]);
    assert.deepEqual(targetsFor(settings.targets, 'round.ended', 9), [all, project9]);
  });

  it('?format=slack picks Slack’s shape and is not sent on to the receiver', () => {
    const [target] = notifyConfig({ NOTIFY_WEBHOOK_URLS: 'https://hooks.slack.example/services/T1/B2/x3?format=slack' })!.targets;
    assert.equal(target.format, 'slack');
    assert.equal(target.url, 'https://hooks.slack.example/services/T1/B2/x3');
    assert.equal(target.label, 'https://hooks.slack.example', 'the path, a credential for Slack, is not in the label');
  });

  it('reminders default to 24 h and 1 h before the timeout, give-up to a day; both settable', () => {
    const defaults = notifyConfig({ NOTIFY_WEBHOOK_URLS: 'https://a.example/h' })!;
    assert.deepEqual(defaults.reminderOffsetsMs, [24 * 3_600_000, 3_600_000]);
    assert.equal(defaults.giveUpAfterMs, 24 * 3_600_000);
    const set = notifyConfig({ NOTIFY_WEBHOOK_URLS: 'https://a.example/h', NOTIFY_REMINDERS: '30m, 90s', NOTIFY_GIVE_UP_AFTER: '2 hours' })!;
    assert.deepEqual(set.reminderOffsetsMs, [1_800_000, 90_000]);
    assert.equal(set.giveUpAfterMs, 7_200_000);
    assert.deepEqual(notifyConfig({ NOTIFY_WEBHOOK_URLS: 'https://a.example/h', NOTIFY_REMINDERS: 'none' })!.reminderOffsetsMs, []);
  });

  it('NODE_ENV=production takes HTTPS, and plain http on loopback only', () => {
    const ok = notifyConfig({
      NODE_ENV: 'production',
      NOTIFY_WEBHOOK_URLS: 'https://a.example/h http://127.0.0.1:8080/h http://localhost/h http://[::1]:81/h',
    })!;
    assert.equal(ok.targets.length, 4);
    assert.equal(notifyConfig({ NOTIFY_WEBHOOK_URLS: 'http://a.example/h' })!.targets.length, 1, 'outside production http is taken');
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ['an unparsable URL', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h not-a-url' }, /^Invalid environment: NOTIFY_WEBHOOK_URLS entry 2 is not an http\(s\) URL$/],
    ['another scheme', { NOTIFY_WEBHOOK_URLS: 'ftp://a.example/h' }, /NOTIFY_WEBHOOK_URLS entry 1 is not an http\(s\) URL/],
    ['http outside loopback in production', { NODE_ENV: 'production', NOTIFY_WEBHOOK_URLS: 'http://hooks.example.com/h' }, /NOTIFY_WEBHOOK_URLS entry 1 must be https:\/\//],
    ['credentials in the URL', { NOTIFY_WEBHOOK_URLS: 'https://user:pw@a.example/h' }, /NOTIFY_WEBHOOK_URLS entry 1 carries credentials/],
    ['an unknown event', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h#events=scene.escalated,scene.exploded' }, /NOTIFY_WEBHOOK_URLS entry 1 filters on "scene.exploded"/],
    ['a bad project list', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h#projects=7,8' }, /NOTIFY_WEBHOOK_URLS entry 1 needs #projects=7\+8/],
    ['an unknown filter', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h#teams=a' }, /NOTIFY_WEBHOOK_URLS entry 1 has "#teams"/],
    ['an unknown format', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h?format=xml' }, /NOTIFY_WEBHOOK_URLS entry 1 has format=xml/],
    ['the same URL twice', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h https://a.example/h#projects=7' }, /NOTIFY_WEBHOOK_URLS lists the same URL twice/],
    ['no secret', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h', NOTIFY_WEBHOOK_SECRET: '' }, /^Invalid environment: NOTIFY_WEBHOOK_SECRET must be set/],
    ['a short secret', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h', NOTIFY_WEBHOOK_SECRET: 'short' }, /NOTIFY_WEBHOOK_SECRET must be set, at least 16/],
    ['a bad reminder', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h', NOTIFY_REMINDERS: '24h,soon' }, /^Invalid environment: NOTIFY_REMINDERS takes durations .*"soon" is not one$/],
    ['a bad give-up time', { NOTIFY_WEBHOOK_URLS: 'https://a.example/h', NOTIFY_GIVE_UP_AFTER: '0s' }, /NOTIFY_GIVE_UP_AFTER takes durations/],
  ];
  for (const [what, env, expected] of refused) {
    it(`stops the start with one line naming the setting: ${what}`, () => {
      const message = refusal({ NOTIFY_WEBHOOK_SECRET: SECRET, ...env });
      assert.match(message, expected);
    });
  }

  it('never echoes a URL in its refusal: a receiver URL may be a credential', () => {
    const message = refusal({ NOTIFY_WEBHOOK_SECRET: SECRET, NODE_ENV: 'production', NOTIFY_WEBHOOK_URLS: 'http://hooks.example.com/T0/secret-path' });
    assert.doesNotMatch(message, /secret-path|hooks\.example/);
  });
});
