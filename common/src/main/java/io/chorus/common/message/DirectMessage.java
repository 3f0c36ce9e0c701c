package io.chorus.common.message;

import java.time.Instant;

/** A direct message as the API, the bus and the SSE streams show it; id is its DM-log position. */
public record DirectMessage(long id, String from, String to, String text, Instant sentAt) {
}
