import type { Phase } from '../api';

/** The network phase an exchange failed in, as "Failed during the …" names it. */
export const PHASE_LABEL: Record<Phase, string> = {
  dns: 'DNS lookup',
  tcp: 'TCP connect',
  proxy: 'proxy tunnel',
  tls: 'TLS handshake',
  headers: 'waiting for the response headers',
  body: 'reading the response body',
};

/** A phase's label; a phase this build does not know, as it came. */
export function phaseLabel(phase: Phase): string {
  return PHASE_LABEL[phase] ?? phase;
}
