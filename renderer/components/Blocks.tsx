import { useMemo } from 'react';
import { responseView, type Block, type MessageView } from '../lib/blocks.js';

function BlockView({ block }: { block: Block }) {
  switch (block.type) {
    case 'text':
      return <div className="block block-text">{block.text}</div>;
    case 'thinking':
      return (
        <details className="block block-thinking">
          <summary>{block.redacted ? 'Thinking (redacted)' : 'Thinking'}</summary>
          {block.redacted ? <p className="muted">The model's reasoning was encrypted by the API.</p> : <div className="block-text">{block.text}</div>}
        </details>
      );
    case 'tool_use':
      return (
        <div className="block block-tool">
          <div className="block-label">
            Tool call <code>{block.name}</code>
            {block.id ? <span className="muted"> · {block.id}</span> : null}
          </div>
          <pre className="code">{block.input}</pre>
        </div>
      );
    case 'tool_result':
      return (
        <div className={block.isError ? 'block block-tool-result is-error' : 'block block-tool-result'}>
          <div className="block-label">
            Tool result{block.isError ? ' (error)' : ''}
            {block.toolUseId ? <span className="muted"> · {block.toolUseId}</span> : null}
          </div>
          <Blocks blocks={block.content} />
        </div>
      );
    case 'image':
      return <div className="block block-placeholder">Image · {block.description}</div>;
    case 'document':
      return <div className="block block-placeholder">Document · {block.description}</div>;
    case 'other':
      return (
        <div className="block block-other">
          <div className="block-label">{block.blockType}</div>
          <pre className="code">{block.json}</pre>
        </div>
      );
  }
}

export function Blocks({ blocks }: { blocks: readonly Block[] }) {
  if (blocks.length === 0) return <p className="muted">(empty)</p>;
  return (
    <>
      {blocks.map((block, i) => (
        <BlockView key={i} block={block} />
      ))}
    </>
  );
}

export function Message({ message, index }: { message: MessageView; index?: number }) {
  return (
    <section className={`message role-${message.role}`} aria-label={`${message.role} message${index === undefined ? '' : ` ${index + 1}`}`}>
      <div className="message-role">{message.role}</div>
      <div className="message-body">
        <Blocks blocks={message.blocks} />
      </div>
    </section>
  );
}

/**
 * What came back for an exchange (the assembled stream, else the response body) as one
 * message, or the API's error as a callout; `empty` stands in when there is no message.
 */
export function ResponseMessage(props: { assembled: string | null; responseBody: string | null; role: string; empty: string; testId?: string }) {
  const { assembled, responseBody } = props;
  const view = useMemo(() => responseView(assembled, responseBody), [assembled, responseBody]);
  if (!view) return <p className="muted">{props.empty}</p>;
  if (view.error) {
    return (
      <p className="callout error">
        <strong>{view.error.type}</strong> {view.error.message}
      </p>
    );
  }
  return (
    <div className="message role-assistant" data-testid={props.testId}>
      <div className="message-role">
        {props.role}
        {view.stopReason ? <span className="muted"> · stop: {view.stopReason}</span> : null}
      </div>
      <div className="message-body">
        <Blocks blocks={view.blocks} />
      </div>
    </div>
  );
}
