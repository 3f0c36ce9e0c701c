package io.chorus.dm.service;

/** A DM to store, already validated; {@code to} is the recipient's name as registered. */
public record Send(String from, String to, String text, String clientId) {
}
