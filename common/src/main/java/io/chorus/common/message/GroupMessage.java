package io.chorus.common.message;

import java.time.Instant;

/** A group message as the API, the bus and the SSE streams show it; id is its log position. */
public record GroupMessage(long id, String group, String sender, String text, Instant sentAt) {
}
