import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { explainTemporalConnectFailure, loadConfig, TemporalConnectionRefused } from '../../src/config';

/*
 * Temporal's own environment configuration (@temporalio/envconfig): a temporal.toml profile,
 * overridden by TEMPORAL_* variables. Each test names its file with TEMPORAL_CONFIG_FILE, so the
 * machine's ~/.config/temporalio/temporal.toml never leaks in.
 */
describe('loadConfig: the Temporal connection', () => {
  let dir: string;
  let toml: string;
  let caFile: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'temporal-envconfig-'));
    toml = path.join(dir, 'temporal.toml');
    caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, 'CA PEM');
    writeFileSync(path.join(dir, 'client.pem'), 'CLIENT PEM');
    writeFileSync(path.join(dir, 'client.key'), 'CLIENT KEY');
    writeFileSync(
      toml,
      [
        '[profile.default]',
        'address = "temporal.internal:7233"',
        'namespace = "scenes"',
        '',
        '[profile.cloud]',
        'address = "scenes.a1b2c.tmprl.cloud:7233"',
        'namespace = "scenes.a1b2c"',
        'api_key = "profile-key"',
        '',
        '[profile.mtls]',
        'address = "temporal.internal:7233"',
        '[profile.mtls.tls]',
        `server_ca_cert_path = "${caFile}"`,
        `client_cert_path = "${path.join(dir, 'client.pem')}"`,
        `client_key_path = "${path.join(dir, 'client.key')}"`,
        'server_name = "temporal.internal"',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without a profile or variable: localhost:7233, namespace default, in the clear', () => {
    const config = loadConfig({});
    assert.deepEqual(config.temporal.connection, { address: 'localhost:7233' });
    assert.equal(config.temporal.namespace, 'default');
    assert.equal(config.temporal.addressSet, false);
  });

  it('reads the default profile of TEMPORAL_CONFIG_FILE, and the variables override it one by one', () => {
    const fromFile = loadConfig({ TEMPORAL_CONFIG_FILE: toml });
    assert.deepEqual(fromFile.temporal.connection, { address: 'temporal.internal:7233' });
    assert.equal(fromFile.temporal.namespace, 'scenes');
    assert.equal(fromFile.temporal.addressSet, true);

    const overridden = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_NAMESPACE: 'other' });
    assert.equal(overridden.temporal.address, 'temporal.internal:7233');
    assert.equal(overridden.temporal.namespace, 'other');
  });

  it('TEMPORAL_PROFILE picks a profile; an API key turns TLS on (Temporal Cloud)', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
    assert.deepEqual(config.temporal.connection, { address: 'scenes.a1b2c.tmprl.cloud:7233', tls: true, apiKey: 'profile-key' });
    assert.equal(config.temporal.namespace, 'scenes.a1b2c');
    const fromVariable = loadConfig({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_API_KEY: 'env-key' });
    assert.deepEqual(fromVariable.temporal.connection, { address: 'x.tmprl.cloud:7233', tls: true, apiKey: 'env-key' });
  });

  it('mTLS from a profile: the CA, the client pair and the server name, read from their files', () => {
    const { connection } = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'mtls' }).temporal;
    assert.ok(typeof connection.tls === 'object');
    assert.equal(connection.tls.serverNameOverride, 'temporal.internal');
    assert.equal(Buffer.from(connection.tls.serverRootCACertificate!).toString(), 'CA PEM');
    assert.equal(Buffer.from(connection.tls.clientCertPair!.crt).toString(), 'CLIENT PEM');
    assert.equal(Buffer.from(connection.tls.clientCertPair!.key).toString(), 'CLIENT KEY');
  });

  it('mTLS from TEMPORAL_TLS_* variables; TEMPORAL_TLS=false turns it off', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: caFile,
      TEMPORAL_TLS_CLIENT_CERT_DATA: 'INLINE CERT',
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'INLINE KEY',
    };
    const { connection } = loadConfig(env).temporal;
    assert.ok(typeof connection.tls === 'object');
    assert.equal(Buffer.from(connection.tls.serverRootCACertificate!).toString(), 'CA PEM');
    assert.equal(Buffer.from(connection.tls.clientCertPair!.crt).toString(), 'INLINE CERT');
    assert.equal(loadConfig({ ...env, TEMPORAL_TLS: 'false' }).temporal.connection.tls, false);
    assert.equal(typeof loadConfig({ TEMPORAL_TLS: 'true' }).temporal.connection.tls, 'object');
  });

  it('takes an empty variable as unset, as every other setting (compose passes ${X:-})', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_API_KEY: '', TEMPORAL_NAMESPACE: ' ' });
    assert.deepEqual(config.temporal.connection, { address: 'temporal:7233' });
    assert.equal(config.temporal.namespace, 'default');
  });

  it('refuses half a client pair, a missing file and an unknown profile, naming the setting', () => {
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem') }),
      /^Error: Invalid environment: TEMPORAL_TLS_CLIENT_CERT_PATH \(or _DATA\) and TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'missing.pem') }),
      /^Error: Invalid environment: a TEMPORAL_TLS_\*_PATH file .*missing\.pem/,
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' }),
      /^Error: Invalid environment: TEMPORAL_PROFILE .*'staging' not found/,
    );
  });

  it('explains a refused TLS handshake by the setting that fixes it, and passes other failures on', () => {
    const settings = { address: 'temporal.internal:7233', tls: true };
    // As the worker's native connection reports it (test/cluster/mtls.cluster.ts).
    const noCertificate = new Error(
      'Failed to call GetSystemInfo: code: \'Unknown error\', message: "transport error", source: tonic::transport::Error(Transport, ' +
        'hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: CertificateRequired" }))',
    );
    const explained = explainTemporalConnectFailure(noCertificate, settings);
    assert.ok(explained instanceof TemporalConnectionRefused);
    assert.match(explained.message, /^Temporal at temporal\.internal:7233 requires a client certificate .*TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);
    // The same refusal seen as a closed connection (TLS 1.3: the alert after the client's handshake).
    const closed = new Error(
      'Failed to call GetSystemInfo: code: \'The operation was cancelled\', message: "operation was canceled", ' +
        'source: tonic::transport::Error(Transport, hyper::Error(Canceled, "connection closed"))',
    );
    assert.match((explainTemporalConnectFailure(closed, settings) as Error).message, /no client certificate was sent.*TEMPORAL_TLS_CLIENT_CERT_PATH/);
    const withPair = { address: 'temporal.internal:7233', tls: { clientCertPair: { crt: Buffer.from('c'), key: Buffer.from('k') } } };
    assert.equal(explainTemporalConnectFailure(closed, withPair), closed);
    assert.equal(explainTemporalConnectFailure(closed, { address: 'localhost:7233' }), closed);
    const untrusted = explainTemporalConnectFailure(new Error('invalid peer certificate: UnknownIssuer'), settings);
    assert.match((untrusted as Error).message, /TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
    const other = new Error('connection refused');
    assert.equal(explainTemporalConnectFailure(other, settings), other);
  });
});
