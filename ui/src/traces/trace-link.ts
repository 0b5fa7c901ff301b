// "Open in Traces" from another page. The shell keeps only the page part of the address
// (`#/traces`), so the run and exchange asked for are also handed over here; the Traces page
// takes them when it mounts, or reads them from the hash change when it is already on screen.

import { tracesHref, type TracesLink } from '../shell/routes';

let pending: TracesLink | null = null;

/** Shows the Traces page filtered to `run`, with exchange `id` open when given. */
export function openInTraces(run: string | null, id: string | null = null): void {
  pending = { run, id };
  window.location.hash = tracesHref(run, id);
}

/** The link asked for last, once. */
export function takeTracesLink(): TracesLink | null {
  const link = pending;
  pending = null;
  return link;
}

/** For a link's click: a plain click opens it here; a modified click is left to the webview. */
export function onTracesLinkClick(event: MouseEvent, run: string | null, id: string | null = null): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  openInTraces(run, id);
}
