package io.chorus.history.service;

/** A request to add one message to the log, already validated. */
public record Append(String group, String sender, String text, String clientId) {
}
