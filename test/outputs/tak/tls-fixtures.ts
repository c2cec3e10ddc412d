/**
 * A throwaway PKI for the TLS tests, made with the openssl command line (node:crypto can make keys
 * but not X.509 certificates): a CA, a server certificate for localhost/127.0.0.1 and a client
 * certificate, as a TAK server's 8089 input expects. Returns null when openssl is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from a different CA (the server must refuse it). */
  strangerCert: string;
  strangerKey: string;
}

export function haveOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
}

export function makeTestPki(): TestPki | null {
  if (!haveOpenssl()) return null;
  const dir = mkdtempSync(join(tmpdir(), 'centinela-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Centinela Test CA');
  run('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=Someone Else CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  const leaf = (name: string, cn: string, ca: string, ext: string) => {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', ext);
  };
  leaf('server', 'localhost', 'ca', 'server.ext');
  leaf('client', 'centinela-node', 'ca', 'client.ext');
  leaf('stranger', 'stranger', 'other-ca', 'client.ext');
  const r = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    ca: r('ca.crt'), serverCert: r('server.crt'), serverKey: r('server.key'),
    clientCert: r('client.crt'), clientKey: r('client.key'), strangerCert: r('stranger.crt'), strangerKey: r('stranger.key'),
  };
}
