package io.chorus.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "chat", description = {
        "Chat interactively, as in the classroom app: choose a peer or a group, then type lines.",
        "Others' messages, edits, deletes, joins and typing appear as they happen; 'exit' quits."})
final class ChatCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Override
    public Integer call() {
        ChorusApi client = chorus.api();
        String me = chorus.session().name();
        BufferedReader in = new BufferedReader(new InputStreamReader(chorus.stdin, Chorus.inputCharset()));
        return new ChatSession(client, new LiveStreams(client), chorus.mapper, chorus.format, me, in, chorus.out(),
                chorus.err()).run();
    }
}
