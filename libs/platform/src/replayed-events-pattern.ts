/**
 * The EventBridge pattern of the replay rule: only events an archive replays carry `replay-name`,
 * so the rule sends replays back to the error handler and nothing else (the archive skips them).
 */
export const REPLAYED_EVENTS_PATTERN = { 'replay-name': [{ exists: true }] };
