import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'preact/compat';
import type { SessionStore } from '../data/sessionStore';
import type { SubagentRef } from '../model/items';
import { Composer, QueueList } from './Composer';
import { ApprovalCards } from './ApprovalCards';
import { Header, sessionTitle } from './Header';
import { SubagentPanel } from './SubagentPanel';
import { FullState, NoticeBanner, noticeFor } from './StateNotice';
import { OpenSubagent } from './ToolCallView';
import { TranscriptView } from './TranscriptView';
import { Expanded, ExpandedState } from './expanded';

// The viewer: header, transcript, and for prompter links the queue and composer.

export type AppProps = {
  store: SessionStore;
  /** bumps when the host asks to focus the composer */
  focusSignal?: number;
};

export function App({ store, focusSignal = 0 }: AppProps) {
  const state = useSyncExternalStore(
    (cb) => store.subscribe(cb),
    () => store.snapshot(),
  );
  const expanded = useMemo(() => new ExpandedState(), []);
  const [subagent, setSubagent] = useState<SubagentRef | null>(null);
  const title = sessionTitle(state);
  useEffect(() => {
    document.title = `${title} · Tandem`;
  }, [title]);
  const onVerbose = useCallback((v: boolean) => store.setVerbose(v), [store]);
  const notice = noticeFor(state);
  const hasRows = state.feed.items.length > 0;
  return (
    <Expanded.Provider value={expanded}>
      <OpenSubagent.Provider value={setSubagent}>
        <div class="app">
          <Header state={state} onVerbose={onVerbose} onDisplayName={(name) => store.setDisplayName(name)} />
          {notice && hasRows && <NoticeBanner notice={notice} />}
          <main class="main">
            {notice && !hasRows ? <FullState notice={notice} /> : <TranscriptView feed={state.feed} label={`Transcript: ${title}`} />}
            {subagent && <SubagentPanel store={store} subagent={subagent} sideVersion={state.sideVersion} onClose={() => setSubagent(null)} />}
          </main>
          {(state.canPrompt || state.queue.length > 0) && (
            <footer class="footer">
              <ApprovalCards approvals={state.approvals} canAnswer={state.canPrompt && state.meta.toolApprovals === 'prompters'} onAnswer={(id, decision, message) => store.answerTool(id, decision, message)} />
              <QueueList rows={state.queue} canPrompt={state.canPrompt} onCancel={(id) => store.cancel(id)} />
              {state.canPrompt && (
                <Composer
                  onSend={(text, project) => store.queuePrompt(text, project)}
                  hostLabel={state.meta.hostLabel}
                  newSessionProjects={state.meta.newSessionProjects ?? []}
                  focusSignal={focusSignal}
                />
              )}
            </footer>
          )}
        </div>
      </OpenSubagent.Provider>
    </Expanded.Provider>
  );
}
