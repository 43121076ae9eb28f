import type { Block, MessageView } from '../lib/blocks.js';

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
