import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';
import { regenerateSceneWorkflow } from '../../workflows';
import { sceneInput } from '../helpers/scenes';
import { makeCertificates } from './certificates';
import { startClusterStack, type ClusterStack } from './cluster-stack';

/*
 * Issue 26, item 5: the production server's frontend behind mTLS, certificates made here with
 * openssl. Workers, web server and test client connect through Temporal's environment
 * configuration (TEMPORAL_TLS_*); a worker without the client certificate is refused.
 */
describe('the production Temporal server behind mTLS', function () {
  this.timeout(600_000);
  let cluster: ClusterStack | undefined;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cluster-mtls-'));
    const certificates = makeCertificates(dir);
    cluster = await startClusterStack({
      workers: 1,
      tls: {
        server: {
          certPath: certificates.serverCert,
          keyPath: certificates.serverKey,
          clientCaPath: certificates.caCert,
          systemWorkerCertPath: certificates.clientCert,
          systemWorkerKeyPath: certificates.clientKey,
        },
        clientEnv: {
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.caCert,
          TEMPORAL_TLS_SERVER_NAME: 'localhost',
          TEMPORAL_TLS_CLIENT_CERT_PATH: certificates.clientCert,
          TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.clientKey,
        },
      },
    });
  });

  after(async function () {
    this.timeout(120_000);
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker with the client certificate completes a round', async () => {
    const { stack, client } = cluster!;
    await fetch(`${stack.simulatorUrl}/_sim/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: 'copper kettle', scores: [83] }]),
    });
    const input = sceneInput({ visualDirection: 'A copper kettle on a stove', currentProvider: 'kling' });
    const result = await client.workflow.execute(regenerateSceneWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: regenerationWorkflowId(input.scene.id),
      args: [input],
    });
    assert.equal(result.outcome, 'passed');
    assert.equal(result.finalScore, 83);
  });

  it('a worker without it is refused, with a message naming the setting', async () => {
    const { stack } = cluster!;
    await assert.rejects(
      stack.startWorker('worker-without-certificate', { TEMPORAL_TLS_CLIENT_CERT_PATH: '', TEMPORAL_TLS_CLIENT_KEY_PATH: '' }),
      (error: Error) => {
        assert.match(error.message, /exited with 1 before starting/);
        assert.match(error.message, /TEMPORAL_TLS_CLIENT_CERT_PATH/);
        return true;
      },
    );
  });
});
