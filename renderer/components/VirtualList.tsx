import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useEffect, useRef, type ReactNode } from 'react';
import { errorMessage } from '../api/errors.js';
import type { PagedList } from '../hooks/usePagedList.js';
import { useRovingList } from '../hooks/useRovingList.js';
import { Empty, ErrorNotice, Loading } from './States.js';

/** Where a row stands, whether it is the selected one, and how it joins the keyboard navigation; spread into the row's props. */
export interface RowSlot {
  index: number;
  top: number;
  tabbable: boolean;
  selected: boolean;
  onSelect: (id: string) => void;
  onFocusRow: (index: number) => void;
}

/** What the list says when it has no rows to show. */
export interface ListTexts {
  error: string;
  loading: string;
  /** With a filter or search in force. */
  noMatch: string;
  none: string;
  noneHint: string;
}

/**
 * A cursor-paged list (usePagedList) as a keyboard-navigable listbox: only the rows in view
 * are rendered, each placed by the virtualizer; the next page loads as the end comes near.
 */
export function VirtualList<T extends { id: string }>(props: {
  label: string;
  /** From usePagedList. */
  pages: { list: PagedList<T>; loadFirst: () => void; loadMore: () => void };
  rowHeight: number;
  selectedId: string | null;
  /** A click, or Enter / Space on the focused row. */
  onSelect: (id: string) => void;
  filtered: boolean;
  texts: ListTexts;
  renderRow: (item: T, slot: RowSlot) => ReactNode;
}) {
  const { rowHeight, texts } = props;
  const { list, loadFirst, loadMore } = props.pages;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: list.items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (i) => list.items[i]?.id ?? i,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastVisible = virtualItems.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastVisible >= list.items.length - 10) loadMore();
  }, [lastVisible, list.items.length, loadMore]);

  const roving = useRovingList({
    count: list.items.length,
    container: scrollRef,
    scroller: virtualizer,
    onActivate: (i) => {
      const item = list.items[i];
      if (item) props.onSelect(item.id);
    },
  });

  return (
    <div className="history-scroll" ref={scrollRef} role="listbox" aria-label={props.label} aria-busy={list.loading} onKeyDown={roving.onKeyDown}>
      {list.error && list.items.length === 0 ? (
        <ErrorNotice title={texts.error} error={list.error} onRetry={loadFirst} />
      ) : list.items.length === 0 ? (
        list.loading ? (
          <Loading label={texts.loading} />
        ) : props.filtered ? (
          <Empty title={texts.noMatch} />
        ) : (
          <Empty title={texts.none}>
            <p>{texts.noneHint}</p>
          </Empty>
        )
      ) : (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualItems.map((v) => {
            const item = list.items[v.index];
            return item ? <Fragment key={item.id}>{props.renderRow(item, {
                  index: v.index,
                  top: v.start,
                  tabbable: v.index === roving.active,
                  selected: item.id === props.selectedId,
                  onSelect: props.onSelect,
                  onFocusRow: roving.setActive,
                })}</Fragment> : null;
          })}
        </div>
      )}
      {list.items.length > 0 && (list.loading || list.error) ? (
        <div className="list-footer">{list.error ? <button onClick={loadMore}>Retry loading more ({errorMessage(list.error)})</button> : 'Loading more…'}</div>
      ) : null}
    </div>
  );
}

/** One option of a VirtualList: placed where the virtualizer says, selected by click or Enter. */
export function ListRow(props: { id: string; slot: RowSlot; height: number; className: string; testId: string; children: ReactNode }) {
  const { id, slot } = props;
  return (
    <div
      role="option"
      aria-selected={slot.selected}
      data-testid={props.testId}
      data-id={id}
      data-index={slot.index}
      tabIndex={slot.tabbable ? 0 : -1}
      className={slot.selected ? `${props.className} selected` : props.className}
      style={{ transform: `translateY(${slot.top}px)`, height: props.height }}
      onClick={() => slot.onSelect(id)}
      onFocus={() => slot.onFocusRow(slot.index)}
    >
      {props.children}
    </div>
  );
}
