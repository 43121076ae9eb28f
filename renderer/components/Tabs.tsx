import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<Id extends string> {
  id: Id;
  label: string;
}

export const tabId = (prefix: string, id: string) => `${prefix}-tab-${id}`;
export const panelId = (prefix: string, id: string) => `${prefix}-panel-${id}`;

/**
 * WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs
 * and select them; only the selected tab is in the Tab order.
 */
export function Tabs<Id extends string>(props: {
  items: ReadonlyArray<TabItem<Id>>;
  selected: Id;
  onSelect: (id: Id) => void;
  label: string;
  idPrefix: string;
  className?: string;
}) {
  const refs = useRef(new Map<Id, HTMLButtonElement>());
  const { items, selected, onSelect, idPrefix } = props;

  const move = (event: KeyboardEvent, delta: number | 'first' | 'last') => {
    event.preventDefault();
    const at = items.findIndex((t) => t.id === selected);
    const next = delta === 'first' ? 0 : delta === 'last' ? items.length - 1 : (at + delta + items.length) % items.length;
    const item = items[next];
    if (!item) return;
    onSelect(item.id);
    refs.current.get(item.id)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowRight') move(event, 1);
    else if (event.key === 'ArrowLeft') move(event, -1);
    else if (event.key === 'Home') move(event, 'first');
    else if (event.key === 'End') move(event, 'last');
  };

  return (
    <div role="tablist" aria-label={props.label} className={props.className ?? 'tabs'} onKeyDown={onKeyDown}>
      {items.map((item) => {
        const active = item.id === selected;
        return (
          <button
            key={item.id}
            ref={(el) => {
              if (el) refs.current.set(item.id, el);
              else refs.current.delete(item.id);
            }}
            type="button"
            role="tab"
            id={tabId(idPrefix, item.id)}
            aria-selected={active}
            aria-controls={panelId(idPrefix, item.id)}
            tabIndex={active ? 0 : -1}
            className={active ? 'tab active' : 'tab'}
            onClick={() => onSelect(item.id)}
          >
            {item.label}
          </button>
        );
      })}
    </div>
  );
}

/** A two-to-four way switch between presentations of the same thing (Rendered / JSON). */
export function Segmented<Id extends string>(props: { items: ReadonlyArray<TabItem<Id>>; selected: Id; onSelect: (id: Id) => void; label: string }) {
  return (
    <div className="segmented" role="group" aria-label={props.label}>
      {props.items.map((item) => (
        <button key={item.id} type="button" aria-pressed={item.id === props.selected} onClick={() => props.onSelect(item.id)}>
          {item.label}
        </button>
      ))}
    </div>
  );
}
