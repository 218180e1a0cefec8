import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A self-signed certificate for 127.0.0.1/localhost, made once per process with openssl. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
  /** File holding the certificate: hand it to a child process as NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
}

let cached: SelfSignedCertificate | undefined;

export function selfSignedCertificate(): SelfSignedCertificate {
  if (cached) {
    return cached;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  cached = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
  return cached;
}
