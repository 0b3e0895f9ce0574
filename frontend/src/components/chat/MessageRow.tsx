"use client";

import { memo, useMemo } from "react";
import { choiceAnswer, parseChoices } from "@/lib/chat/choices";
import { PENDING_USER_ID, isReplyStatus } from "@/lib/chat/reducer";
import { itemText, type ThreadItem, type WorkflowItem } from "@/lib/chatkitTypes";
import { ThumbDownIcon, ThumbUpIcon } from "../Icons";
import Markdown from "../Markdown";

export interface MessageRowProps {
  item: ThreadItem;
  streaming: boolean;
  /** Offer Retry on this item (the last answer, nothing streaming). */
  canRetry: boolean;
  /** This pending message never reached the server. */
  unsent: boolean;
  feedback?: "positive" | "negative";
  /** Offer this answer's which-one options as buttons (the newest answer, nothing said after it). */
  offerChoices?: boolean;
  /** A reply is streaming: the options show but cannot be chosen. */
  busy?: boolean;
  /** Send an option's answer through the composer's send path. */
  onChoose?: (answer: string) => void;
  onRetry: (item: ThreadItem) => void;
  onSendAgain: () => void;
  onDiscard: () => void;
  onFeedback: (id: string, kind: "positive" | "negative") => void;
}

/** One item of a thread: the user's message, an answer, a tool step, or a failed reply's status line. */
const MessageRow = memo(function MessageRow({ item, streaming, canRetry, unsent, feedback, offerChoices, busy, onChoose, onRetry, onSendAgain, onDiscard, onFeedback }: MessageRowProps) {
  if (item.type === "user_message") {
    const pending = item.id === PENDING_USER_ID;
    return (
      <div className="flex flex-col items-end py-1.5" data-testid="msg-user" data-unsent={unsent || undefined}>
        <div className={`max-w-[85%] rounded-2xl rounded-br-sm bg-indigo-600 px-3 py-2 text-sm whitespace-pre-wrap break-words text-white ${pending && !unsent ? "opacity-80" : ""}`}>
          {itemText(item)}
        </div>
        {unsent && (
          <div className="mt-1 flex items-center gap-2 text-xs text-red-700" data-testid="msg-unsent">
            <span>Not sent.</span>
            <button type="button" onClick={onSendAgain} className="rounded border border-red-300 px-1.5 py-0.5 font-medium hover:bg-red-50">
              Send again
            </button>
            <button type="button" onClick={onDiscard} className="rounded px-1.5 py-0.5 text-slate-600 hover:bg-slate-100">
              Discard
            </button>
          </div>
        )}
      </div>
    );
  }
  if (item.type === "assistant_message") {
    const text = itemText(item);
    return (
      <div className="py-1.5" data-testid="msg-assistant" data-streaming={streaming || undefined}>
        <div className="max-w-[95%] text-sm text-slate-800">
          {text ? <Markdown text={text} /> : streaming ? null : <p className="text-slate-600 italic">(no answer)</p>}
          {streaming && <span className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-slate-400 align-middle" aria-hidden />}
        </div>
        {offerChoices && !streaming && onChoose && <Choices text={text} disabled={!!busy} onChoose={onChoose} />}
        {!streaming && (
          <div className="mt-1 flex gap-1 text-xs text-slate-600">
            <button
              type="button"
              onClick={() => onFeedback(item.id, "positive")}
              aria-pressed={feedback === "positive"}
              className={`rounded px-1.5 py-0.5 hover:bg-slate-100 ${feedback === "positive" ? "text-emerald-700" : ""}`}
              aria-label="Good answer"
            >
              <ThumbUpIcon />
            </button>
            <button
              type="button"
              onClick={() => onFeedback(item.id, "negative")}
              aria-pressed={feedback === "negative"}
              className={`rounded px-1.5 py-0.5 hover:bg-slate-100 ${feedback === "negative" ? "text-red-700" : ""}`}
              aria-label="Bad answer"
            >
              <ThumbDownIcon />
            </button>
            {canRetry && (
              <button type="button" onClick={() => onRetry(item)} className="rounded px-1.5 py-0.5 hover:bg-slate-100 hover:text-slate-800" aria-label="Retry this answer">
                ↻ Retry
              </button>
            )}
          </div>
        )}
      </div>
    );
  }
  if (item.type === "task" && isReplyStatus(item)) {
    return (
      <div className="my-1 flex items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm text-amber-900" data-testid="msg-failed">
        <span aria-hidden>⚠</span>
        <span className="min-w-0 flex-1">{item.task.title || "This answer did not finish."}</span>
        {canRetry && (
          <button type="button" onClick={() => onRetry(item)} className="shrink-0 rounded bg-amber-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-amber-800">
            Retry
          </button>
        )}
      </div>
    );
  }
  if (item.type === "task") {
    return <ToolLine text={item.task.title || item.task.content || "Done"} done={item.task.status_indicator !== "loading"} />;
  }
  if (item.type === "workflow") {
    const wf = (item as WorkflowItem).workflow;
    return (
      <div className="py-1">
        {wf.tasks.map((t, i) => (
          <ToolLine key={i} text={t.title || t.content || "Step"} done={t.status_indicator !== "loading"} />
        ))}
      </div>
    );
  }
  if (item.type === "client_tool_call") return <ToolLine text={`Tool: ${item.name}`} done={item.status === "completed"} />;
  if (item.type === "widget") return item.copy_text ? <ToolLine text={item.copy_text} done /> : null;
  return null;
});

export default MessageRow;

/** A which-one question's options as buttons; choosing one sends its number, which the model understands. */
function Choices({ text, disabled, onChoose }: { text: string; disabled: boolean; onChoose: (answer: string) => void }) {
  const choices = useMemo(() => parseChoices(text), [text]);
  if (choices.length === 0) return null;
  return (
    <div role="group" aria-label="Choose one" className="mt-1.5 flex flex-col items-start gap-1" data-testid="msg-choices">
      {choices.map((choice) => (
        <button
          key={choice.number}
          type="button"
          disabled={disabled}
          onClick={() => onChoose(choiceAnswer(choice))}
          className="max-w-full rounded-md border border-indigo-300 bg-white px-2.5 py-1 text-left text-sm text-indigo-800 hover:bg-indigo-50 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {choice.text}
        </button>
      ))}
    </div>
  );
}

function ToolLine({ text, done }: { text: string; done: boolean }) {
  return (
    <div className="flex items-center gap-2 py-0.5 text-xs text-slate-600" data-testid="msg-tool">
      <span aria-hidden>{done ? "✓" : "…"}</span>
      <span className="truncate">{text}</span>
    </div>
  );
}
