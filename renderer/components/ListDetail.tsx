import type { ReactNode } from 'react';
import { Empty } from './States.js';

/** A list pane beside the selected item's detail, or a hint on how to pick one. */
export function ListDetail({ className, children, detail, placeholder }: { className?: string; children: ReactNode; detail: ReactNode | null; placeholder: { title: string; hint: string } }) {
  return (
    <div className={className ? `view history-view ${className}` : 'view history-view'}>
      <div className="history-list-pane">{children}</div>
      <div className="history-detail-pane">
        {detail ?? (
          <Empty title={placeholder.title}>
            <p>{placeholder.hint}</p>
          </Empty>
        )}
      </div>
    </div>
  );
}
