/** How a failed chat request reads to the user, and whether Retry is offered. */

import { StreamInterruptedError } from "../chatkitClient";
import { ApiError } from "../http";

export function describeChatError(err: unknown): { message: string; retryable: boolean } {
  if (err instanceof StreamInterruptedError) return { message: err.message, retryable: true };
  if (err instanceof ApiError) {
    if (err.status === 0) return { message: "Cannot reach the assistant. Check your connection.", retryable: true };
    return { message: err.message, retryable: err.transient || err.status === 409 };
  }
  return { message: "Something went wrong with the assistant.", retryable: true };
}
