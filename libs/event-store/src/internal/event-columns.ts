/**
 * The events table's columns in the order both SQL adapters read them: each reads rows as arrays (cheaper than a keyed
 * object per row) and maps them by position, so the order lives here once.
 */
export const EVENT_COLUMNS = 'position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at';
