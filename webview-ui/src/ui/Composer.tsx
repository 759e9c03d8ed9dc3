import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { RunState } from '../../../protocol/src';
import type { QueueRow } from '../model/queueView';
import { baseName, shownName, shownText } from '../model/format';

// What a prompter adds to the session: a prompt for the host to run with `claude --resume`, or a new
// session in one of the projects the host offers. The queue above it shows every prompt with the
// host's status, the permission denials a run hit, and a cancel button while it can still be stopped.

const stateText: Record<RunState, string> = {
  queued: 'queued',
  approved: 'approved',
  running: 'running',
  done: 'done',
  failed: 'failed',
  rejected: 'rejected',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

export type QueueListProps = {
  rows: QueueRow[];
  onCancel: (id: string) => void;
  canPrompt: boolean;
  /** what else a row shows under its status (the tool requests its run waits on) */
  rowExtra?: (row: QueueRow) => ComponentChildren;
};

export function QueueList({ rows, onCancel, canPrompt, rowExtra }: QueueListProps) {
  if (rows.length === 0) return null;
  return (
    <section class="queue" aria-label="Prompt queue">
      <ol class="queue-list">
        {rows.map((row) => (
          <li key={row.prompt.id} class={`queue-row run-${row.state}`} data-prompt-id={row.prompt.id}>
            <div class="queue-top">
              <span class={`run-state run-${row.state}`}>{stateText[row.state]}</span>
              <span class="queue-text" title={shownText(row.prompt.text)}>
                {row.prompt.kind === 'new' && <span class="badge accent">new session{row.prompt.project ? ` · ${shownName(baseName(row.prompt.project))}` : ''}</span>} {shownText(row.prompt.text)}
              </span>
              <span class="queue-author">{shownName(row.prompt.author)}</span>
              {canPrompt && row.canCancel && (
                <button type="button" class="button ghost small" onClick={() => onCancel(row.prompt.id)} aria-label={`Cancel prompt: ${shownName(row.prompt.text.slice(0, 60))}`}>
                  Cancel
                </button>
              )}
              {row.cancelRequested && !['cancelled', 'done', 'failed'].includes(row.state) && <span class="muted small">cancelling…</span>}
            </div>
            {row.run?.error && <div class="queue-error">{shownText(row.run.error)}</div>}
            {row.refused && (
              <div class="queue-error" role="alert">
                The relay did not take this: {shownText(row.refused)}
              </div>
            )}
            {row.run?.permissionDenials?.length ? (
              <div class="queue-denials">
                Denied: {row.run.permissionDenials.map((d) => d.toolName).join(', ')} — the host's permission settings did not allow {row.run.permissionDenials.length === 1 ? 'this tool' : 'these tools'}.
              </div>
            ) : null}
            {rowExtra?.(row)}
          </li>
        ))}
      </ol>
    </section>
  );
}

export type ComposerProps = {
  onSend: (text: string, project?: string) => string | null;
  hostLabel?: string;
  newSessionProjects: string[];
  focusSignal: number;
};

export function Composer({ onSend, hostLabel, newSessionProjects, focusSignal }: ComposerProps) {
  const [text, setText] = useState('');
  const [project, setProject] = useState('');
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (focusSignal) area.current?.focus();
  }, [focusSignal]);
  const send = () => {
    const problem = onSend(text, project || undefined);
    setError(problem);
    if (!problem) setText('');
  };
  return (
    <form
      class="composer"
      aria-label="Queue a prompt"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={area}
        class="composer-input"
        rows={2}
        value={text}
        placeholder={project ? `New session in ${shownName(baseName(project))}…` : `Queue a prompt for ${hostLabel ? shownName(hostLabel) : 'the host'}…`}
        aria-label="Prompt"
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-bar">
        {newSessionProjects.length > 0 && (
          <select class="composer-project" value={project} aria-label="Where the prompt runs" onChange={(e) => setProject((e.target as HTMLSelectElement).value)}>
            <option value="">This session</option>
            {newSessionProjects.map((p) => (
              <option key={p} value={p}>
                New session · {baseName(p)}
              </option>
            ))}
          </select>
        )}
        <span class="hint">Ctrl/⌘ + Enter</span>
        <button type="submit" class="button primary" disabled={!text.trim()}>
          Queue
        </button>
      </div>
      {error && (
        <div class="composer-error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
