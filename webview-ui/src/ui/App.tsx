import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'preact/compat';
import type { ToolDecision } from '../../../protocol/src';
import type { SessionStore, ToolAnswerExtra } from '../data/sessionStore';
import type { SystemNotifier } from '../data/systemNotifier';
import { titleWithCount, useApprovalNotifications } from './approvalAlerts';
import { NotifyButton } from './NotifyButton';
import { shownName } from '../model/format';
import type { SubagentRef } from '../model/items';
import { Composer, QueueList } from './Composer';
import { ApprovalCards, ToolRequests } from './ApprovalCards';
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
  /** system notifications, where the host has them (a browser tab) */
  notifier?: SystemNotifier;
};

export function App({ store, focusSignal = 0, notifier }: AppProps) {
  const state = useSyncExternalStore(
    (cb) => store.subscribe(cb),
    () => store.snapshot(),
  );
  const expanded = useMemo(() => new ExpandedState(), []);
  const [subagent, setSubagent] = useState<SubagentRef | null>(null);
  const title = shownName(sessionTitle(state));
  const pending = state.approvals.length;
  useEffect(() => {
    document.title = titleWithCount(`${title} · Tandem`, pending);
  }, [title, pending]);
  const onVerbose = useCallback((v: boolean) => store.setVerbose(v), [store]);
  const answerTool = useCallback((id: string, decision: ToolDecision, extra?: ToolAnswerExtra) => store.answerTool(id, decision, extra), [store]);
  const notice = noticeFor(state);
  const canAnswer = state.canPrompt && state.meta.toolApprovals === 'prompters';
  const cards = useMemo(
    () => ({ canAnswer, hostRequests: state.hostRequests, sentAnswers: state.sentAnswers, refusedWrites: state.refusedWrites, onAnswer: answerTool }),
    [canAnswer, state.hostRequests, state.sentAnswers, state.refusedWrites, answerTool],
  );
  const requests = useMemo(() => ({ byToolUse: new Map(state.approvals.filter((a) => a.toolUseId).map((a) => [a.toolUseId!, a])), cards }), [state.approvals, cards]);
  useApprovalNotifications(state.approvals, canAnswer, notifier);
  const hasRows = state.feed.items.length > 0;
  // requests whose prompt has no queue row here are listed on their own (the host's always, whatever the link)
  const listed = state.approvals.filter((a) => !state.queue.some((row) => row.prompt.id === a.promptId));
  return (
    <Expanded.Provider value={expanded}>
      <ToolRequests.Provider value={requests}>
        <OpenSubagent.Provider value={setSubagent}>
          <div class="app">
            <Header state={state} onVerbose={onVerbose} onDisplayName={(name) => store.setDisplayName(name)} />
            {notice && hasRows && <NoticeBanner notice={notice} />}
            <main class="main">
              {notice && !hasRows ? <FullState notice={notice} /> : <TranscriptView feed={state.feed} label={`Transcript: ${title}`} />}
              {subagent && <SubagentPanel store={store} subagent={subagent} sideVersion={state.sideVersion} onClose={() => setSubagent(null)} />}
            </main>
            {(state.canPrompt || state.queue.length > 0 || listed.some((a) => state.hostRequests.has(a.id))) && (
              <footer class="footer">
                {canAnswer && notifier && <NotifyButton notifier={notifier} />}
                <ApprovalCards approvals={listed} place="list" {...cards} />
                <QueueList rows={state.queue} canPrompt={state.canPrompt} onCancel={(id) => store.cancel(id)} rowExtra={(row) => <ApprovalCards approvals={state.approvals.filter((a) => a.promptId === row.prompt.id)} place="queue" {...cards} />} />
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
      </ToolRequests.Provider>
    </Expanded.Provider>
  );
}
