import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionStore } from '../data/sessionStore';
import { TranscriptFeed, type FeedView } from '../data/transcriptFeed';
import { shownName } from '../model/format';
import type { SubagentRef } from '../model/items';
import { TranscriptView } from './TranscriptView';

// A Task/Agent subagent's own transcript (a side file in the document), over the main one.

export function SubagentPanel({ store, subagent, sideVersion, onClose }: { store: SessionStore; subagent: SubagentRef; sideVersion: number; onClose: () => void }) {
  const [view, setView] = useState<FeedView | null>(null);
  const lines = store.subagentLines(subagent.agentId);
  useEffect(() => {
    if (!lines) return;
    const feed = new TranscriptFeed(lines, { markSidechains: false });
    setView(feed.view());
    const unsubscribe = feed.subscribe(() => setView(feed.view()));
    return () => {
      unsubscribe();
      feed.dispose();
    };
  }, [lines, sideVersion]);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div
      class="panel"
      role="dialog"
      aria-modal="true"
      aria-label={`Subagent: ${shownName(subagent.description)}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div class="panel-head">
        <span class="badge accent">{subagent.agentType}</span>
        <span class="panel-title">{shownName(subagent.description) || 'Subagent'}</span>
        <button ref={close} type="button" class="button ghost small" onClick={onClose} aria-label="Close subagent transcript">
          Close
        </button>
      </div>
      {lines && view ? (
        <TranscriptView feed={view} label={`Subagent transcript: ${shownName(subagent.description)}`} />
      ) : (
        <div class="empty">The host has not shared this subagent's transcript (agent {subagent.agentId}).</div>
      )}
    </div>
  );
}
