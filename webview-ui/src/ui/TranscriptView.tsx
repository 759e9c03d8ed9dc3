import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { FeedView } from '../data/transcriptFeed';
import type { Item } from '../model/items';
import { ItemRow, estimateHeight } from './ItemView';
import { SearchBar } from './SearchBar';
import { VirtualList, type VirtualListHandle } from './VirtualList';
import { useNewRowCount } from './newRows';

// The transcript: a virtualised list that follows the tail until the reader scrolls up, and a
// "Jump to latest" button to go back.

const keyOf = (item: Item) => item.key;
const renderRow = (item: Item) => <ItemRow item={item} rev={item.rev} />;

export function TranscriptView({ feed, label }: { feed: FeedView; label: string }) {
  const [follow, setFollow] = useState(true);
  const jump = useCallback(() => setFollow(true), []);
  const root = useRef<HTMLDivElement>(null);
  const list = useRef<VirtualListHandle | null>(null);
  const fresh = useNewRowCount(feed.items, follow);
  usePaintMark(feed.items.length > 0);
  return (
    <div class="transcript" ref={root}>
      <SearchBar items={feed.items} version={feed.version} list={list} root={root} />
      {feed.items.length === 0 ? (
        <div class="empty">{feed.complete ? 'Nothing here yet: the transcript appears as Claude Code writes it.' : 'Reading the transcript…'}</div>
      ) : (
        <VirtualList
          items={feed.items}
          version={feed.version}
          keyOf={keyOf}
          estimate={estimateHeight}
          renderRow={renderRow}
          follow={follow}
          onFollowChange={setFollow}
          label={label}
          handle={list}
          header={feed.complete ? undefined : <span class="muted">Reading earlier messages…</span>}
        />
      )}
      {!follow && (
        <button type="button" class="jump button primary small" onClick={jump}>
          {fresh > 0 ? `↓ ${fresh} new` : '↓ Jump to latest'}
        </button>
      )}
    </div>
  );
}

/** Marks (User Timing) the first frame painted with rows in it: `npm run bench ui` reads it. */
function usePaintMark(hasRows: boolean): void {
  const marked = useRef(false);
  useEffect(() => {
    if (!hasRows || marked.current) return;
    marked.current = true;
    requestAnimationFrame(() => setTimeout(() => performance.mark('tandem:rows'), 0));
  }, [hasRows]);
}
