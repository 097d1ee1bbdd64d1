import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { addressRefusal, assertSafeUrl, UnsafeUrlError, type ResolveAll } from '../../src/storage/safe-url';

const resolvesTo =
  (...addresses: string[]): ResolveAll =>
  async () =>
    addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('safe URL rules', () => {
  describe('addressRefusal', () => {
    const refusedAlways = [
      '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '224.0.0.1', '255.255.255.255', 'fc00::1', 'fd12:3456::1', 'fe80::1', '::', 'ff02::1',
      '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '2002:a00:1::1', '192.0.2.1',
    ];
    for (const address of refusedAlways) {
      it(`refuses ${address}, even with loopback allowed`, () => {
        assert.ok(addressRefusal(address, false));
        assert.ok(addressRefusal(address, true));
      });
    }

    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      it(`refuses loopback ${address} unless loopback is allowed`, () => {
        assert.match(addressRefusal(address, false) ?? '', /loopback/);
        assert.equal(addressRefusal(address, true), undefined);
      });
    }

    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) {
      it(`allows public ${address}`, () => assert.equal(addressRefusal(address, false), undefined));
    }
  });

  describe('assertSafeUrl', () => {
    const publicHost = { allowLoopback: false, resolve: resolvesTo('93.184.216.34') };

    it('accepts https to a public address', async () => {
      const url = await assertSafeUrl('https://cdn.example.com/a.png?sig=1', publicHost);
      assert.equal(url.hostname, 'cdn.example.com');
    });

    for (const raw of ['http://cdn.example.com/a.png', 'ftp://cdn.example.com/a.png', 'file:///etc/passwd', 'data:image/png;base64,AA', 'not a url']) {
      it(`refuses ${raw}`, async () => {
        await assert.rejects(assertSafeUrl(raw, publicHost), UnsafeUrlError);
      });
    }

    it('refuses a hostname when any of its addresses is private', async () => {
      await assert.rejects(
        assertSafeUrl('https://mixed.example.com/a.png', { allowLoopback: false, resolve: resolvesTo('93.184.216.34', '10.0.0.5') }),
        /10\.0\.0\.5 is a private address/,
      );
    });

    it('refuses private IP literals without resolving them, in every spelling', async () => {
      const resolve: ResolveAll = () => assert.fail('an IP literal needs no DNS');
      for (const raw of ['https://10.1.2.3/', 'https://192.168.1.1/x', 'https://0xa010203/', 'https://167837955/', 'https://[::ffff:a01:203]/', 'https://[fd00::1]/']) {
        await assert.rejects(assertSafeUrl(raw, { allowLoopback: true, resolve }), UnsafeUrlError, raw);
      }
    });

    it('allows plain http only to loopback, and only when loopback is allowed', async () => {
      await assert.rejects(assertSafeUrl('http://127.0.0.1:7070/a.png', { allowLoopback: false }), /only https/);
      await assertSafeUrl('http://127.0.0.1:7070/a.png', { allowLoopback: true });
      await assertSafeUrl('http://[::1]:7070/a.png', { allowLoopback: true });
      await assert.rejects(
        assertSafeUrl('http://cdn.example.com/a.png', { allowLoopback: true, resolve: resolvesTo('93.184.216.34') }),
        /plain http/,
      );
    });

    it('refuses https to loopback when loopback is not allowed', async () => {
      await assert.rejects(assertSafeUrl('https://localhost/a.png', { allowLoopback: false, resolve: resolvesTo('127.0.0.1') }), /loopback/);
    });
  });
});
